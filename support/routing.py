"""Which team answers a support request, and by when: pure Python, no Django import.

A request is routed by the first active rule, in priority order (lowest number first, then the rule's id), whose
kind and province match it; a rule that leaves its kind or province empty matches any. Staff keep the rules as data
in the admin; a request no rule matches is left for the desk to route by hand.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: int
    priority: int
    team_id: int
    kind: str = ""  # empty: any kind
    province: str = ""  # empty: any province


def rule_matches(rule: Rule, *, kind: str, province: str) -> bool:
    return (not rule.kind or rule.kind == kind) and (not rule.province or rule.province == province)


def route(rules: Iterable[Rule], *, kind: str, province: str) -> Rule | None:
    """The rule that routes a request of ``kind`` from ``province``, or None when none matches."""
    for rule in sorted(rules, key=lambda rule: (rule.priority, rule.id)):
        if rule_matches(rule, kind=kind, province=province):
            return rule
    return None


def due_on(*, opened_on: datetime.date, sla_days: int) -> datetime.date:
    """The day an answer is due: ``sla_days`` calendar days after the request was opened."""
    return opened_on + datetime.timedelta(days=sla_days)
