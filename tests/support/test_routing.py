"""Routing by rule, without a database: the first active rule in priority order whose kind and province match."""

import datetime

from support.routing import Rule, due_on, route

RULES = [
    Rule(id=4, priority=1000, team_id=40),  # catch-all
    Rule(id=2, priority=100, team_id=20, kind="certification"),
    Rule(id=1, priority=10, team_id=10, kind="certification", province="sindh"),
    Rule(id=3, priority=100, team_id=30, kind="finance"),
    Rule(id=5, priority=50, team_id=50, province="balochistan"),
]


def test_route_prefers_the_lowest_priority_number_that_matches():
    assert route(RULES, kind="certification", province="sindh").team_id == 10
    assert route(RULES, kind="certification", province="punjab").team_id == 20


def test_route_by_province_alone_when_the_rule_leaves_the_kind_open():
    assert route(RULES, kind="finance", province="balochistan").team_id == 50
    assert route(RULES, kind="finance", province="punjab").team_id == 30


def test_route_falls_back_to_the_catch_all():
    assert route(RULES, kind="digital_onboarding", province="kp").team_id == 40


def test_route_finds_nothing_without_a_matching_rule():
    assert route([Rule(id=1, priority=1, team_id=1, kind="finance")], kind="documentation", province="kp") is None
    assert route([], kind="finance", province="kp") is None


def test_route_breaks_a_priority_tie_by_the_older_rule():
    tied = [Rule(id=9, priority=5, team_id=90), Rule(id=7, priority=5, team_id=70)]
    assert route(tied, kind="finance", province="kp").team_id == 70


def test_due_on_counts_calendar_days_from_the_day_asked():
    assert due_on(opened_on=datetime.date(2026, 1, 30), sla_days=5) == datetime.date(2026, 2, 4)
    assert due_on(opened_on=datetime.date(2026, 1, 30), sla_days=0) == datetime.date(2026, 1, 30)
