"""A category's rules changed in the admin: its candidates are checked again when the rules are saved, each change
recorded in the candidate's history with who saved the rules; an override with a reason stays in force; a refused
form changes nothing; staff who may not edit categories cannot; the same queries for one candidate or many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards import services
from awards.models import Candidate
from expo import roles
from tests.conftest import staff_member
from tests.factories import AwardCandidateFactory, AwardCategoryFactory, ClusterFactory, ExhibitorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary():
    return staff_member(roles.AWARDS_SECRETARIAT)


def _exhibitor(expo, name: str, *, women_led: bool, cluster=None):
    extra = {"nomination__cluster": cluster} if cluster else {}
    return ExhibitorFactory(nomination__expo=expo, nomination__women_led=women_led, name=name, **extra)


def _rules(category, **rules) -> dict:
    """The category's change form as posted, with ``rules`` on top (checkboxes: present means ticked)."""
    data = {
        "expo": category.expo_id,
        "name": category.name,
        "name_ur": "",
        "description": category.description,
        "description_ur": "",
        "order": "0",
        "candidacy_open": "on",
        "min_years_in_business": "",
        "winners": "1",
        "runners_up": "0",
        "rounds-TOTAL_FORMS": "0",
        "rounds-INITIAL_FORMS": "0",
    }
    data.update({key: value for key, value in rules.items() if value is not None})
    return data


def _save(client, category, **rules):
    return client.post(reverse("admin:awards_category_change", args=[category.pk]), _rules(category, **rules))


def _eligibility(candidate: Candidate) -> tuple[bool, bool, list[str]]:
    candidate.refresh_from_db()
    return candidate.rules_eligible, candidate.eligible, [reason["code"] for reason in candidate.rules_reasons]


def test_saving_the_rules_checks_every_candidate_again_and_keeps_the_change_in_its_history(
    client, expo, category, secretary
):
    women_led = AwardCandidateFactory(category=category, exhibitor=_exhibitor(expo, "Rang Crafts", women_led=True))
    not_women_led = AwardCandidateFactory(category=category, exhibitor=_exhibitor(expo, "Iron Works", women_led=False))
    overridden = AwardCandidateFactory(category=category, exhibitor=_exhibitor(expo, "Tannery", women_led=False))
    services.candidate_override_eligibility(
        candidate=overridden, eligible=True, reason="Run by the founder's daughter since 2024.", by=secretary
    )
    versions = {c.pk: c.history.count() for c in (women_led, not_women_led, overridden)}
    client.force_login(secretary)

    response = _save(client, category, women_led_only="on")

    assert response.status_code == 302
    assert _eligibility(women_led) == (True, True, [])
    assert _eligibility(not_women_led) == (False, False, ["not_women_led"])
    assert _eligibility(overridden) == (False, True, ["not_women_led"])  # the override stays in force
    assert women_led.history.count() == versions[women_led.pk]  # nothing changed: no new version
    latest = not_women_led.history.first()
    assert (latest.rules_eligible, latest.history_user, latest.history_change_reason) == (
        False,
        secretary,
        services.RULES_CHANGED,
    )
    assert overridden.history.first().history_change_reason == services.RULES_CHANGED
    page = client.get(response.url).content.decode()
    assert "The rules changed the eligibility of 2 candidates: Iron Works, Tannery." in page

    # The rule taken off again: both are eligible by the rules once more, and the history has each step.
    _save(client, category)
    assert _eligibility(not_women_led) == (True, True, [])
    assert list(not_women_led.history.values_list("rules_eligible", flat=True)[:2]) == [True, False]


def test_a_cluster_rule_saved_with_the_category_is_the_rule_checked(client, expo, category, secretary):
    """Clusters are saved with the category, before its candidates are checked: the check sees the new rule."""
    leather = ClusterFactory(name="Sialkot leather")
    inside = AwardCandidateFactory(
        category=category, exhibitor=_exhibitor(expo, "Leather One", women_led=False, cluster=leather)
    )
    outside = AwardCandidateFactory(category=category, exhibitor=_exhibitor(expo, "Fans Two", women_led=False))
    client.force_login(secretary)

    assert _save(client, category, clusters=[leather.pk]).status_code == 302

    assert list(category.clusters.all()) == [leather]
    assert _eligibility(inside) == (True, True, [])
    assert _eligibility(outside) == (False, False, ["other_cluster"])


def test_a_refused_form_changes_no_rule_and_no_candidate(client, expo, category, secretary):
    candidate = AwardCandidateFactory(category=category, exhibitor=_exhibitor(expo, "Iron Works", women_led=False))
    before = candidate.history.count()
    client.force_login(secretary)

    response = _save(client, category, women_led_only="on", winners="0")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["winners"]
    category.refresh_from_db()
    assert category.women_led_only is False
    assert _eligibility(candidate) == (True, True, [])
    assert candidate.history.count() == before


@pytest.mark.parametrize("who", ["floor_manager", "anonymous"])
def test_who_may_not_edit_categories_changes_no_rule_and_no_candidate(client, expo, category, who):
    candidate = AwardCandidateFactory(category=category, exhibitor=_exhibitor(expo, "Iron Works", women_led=False))
    if who == "floor_manager":
        client.force_login(staff_member(roles.FLOOR_MANAGERS))

    response = _save(client, category, women_led_only="on")

    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "login" in response.url
    category.refresh_from_db()
    assert category.women_led_only is False
    assert _eligibility(candidate) == (True, True, [])


def test_the_admin_action_records_its_changes_in_the_history_too(client, expo, category, secretary):
    candidate = AwardCandidateFactory(category=category, exhibitor=_exhibitor(expo, "Iron Works", women_led=False))
    category.women_led_only = True
    category.save()  # changed behind the admin's back: only the action checks again
    client.force_login(secretary)

    response = client.post(
        reverse("admin:awards_candidate_changelist"),
        {"action": "check_eligibility_again", "_selected_action": [candidate.pk]},
        follow=True,
    )

    assert "1 candidate&#x27;s eligibility changed." in response.content.decode()
    assert _eligibility(candidate) == (False, False, ["not_women_led"])
    latest = candidate.history.first()
    assert (latest.history_user, latest.history_change_reason) == (secretary, services.CHECKED_AGAIN)


def test_saving_the_rules_reads_as_many_queries_for_one_candidate_as_for_many(client, expo, secretary):
    client.force_login(secretary)

    def count(category) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert _save(client, category, women_led_only="on").status_code == 302
        return len(queries)

    count(AwardCategoryFactory(expo=expo))  # the first save fills the per-process caches (content types)
    # One candidate whose eligibility changes and one whose does not, then three of each.
    one, many = AwardCategoryFactory(expo=expo), AwardCategoryFactory(expo=expo)
    for category, size in ((one, 2), (many, 6)):
        for n in range(size):
            exhibitor = _exhibitor(expo, f"{category.name} {n}", women_led=n % 2 == 0)
            AwardCandidateFactory(category=category, exhibitor=exhibitor)
    assert count(one) == count(many)
    assert Candidate.objects.filter(category=many, rules_eligible=False).count() == 3
