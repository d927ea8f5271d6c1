"""Each eligibility rule on its own, with the reason it gives; and the facts the rules read from the portal."""

import pytest
from django.utils import translation

from awards import eligibility, selectors, services
from awards.eligibility import Applicant, Rules, check
from tests.factories import AwardCategoryFactory, ClusterFactory, ExhibitorFactory, ExpoFactory, SectorFactory

RULES = Rules(expo_id=1, expo_year=2026)
APPLICANT = Applicant(
    expo_id=1, women_led=False, size_class="small", cluster_id=10, sector_id=20, year_founded=2015, earlier_editions=()
)


def _reasons(rules: Rules, applicant: Applicant = APPLICANT) -> list[tuple[str, str]]:
    return [(reason.code, reason.render()) for reason in check(rules, applicant).reasons]


def test_no_rules_let_everyone_through():
    assert check(RULES, APPLICANT).eligible is True
    assert _reasons(RULES) == []


def test_women_led_only_refuses_an_enterprise_not_women_led():
    rules = Rules(expo_id=1, expo_year=2026, women_led_only=True)
    assert _reasons(rules) == [(eligibility.NOT_WOMEN_LED, "not women-led")]
    assert check(rules, Applicant(**{**APPLICANT.__dict__, "women_led": True})).eligible is True


@pytest.mark.parametrize("size_class", ["small", "medium", "large"])
def test_micro_only_refuses_any_other_size(size_class):
    rules = Rules(expo_id=1, expo_year=2026, micro_only=True)
    applicant = Applicant(**{**APPLICANT.__dict__, "size_class": size_class})
    assert _reasons(rules, applicant) == [(eligibility.NOT_MICRO, "not a micro enterprise")]
    assert check(rules, Applicant(**{**APPLICANT.__dict__, "size_class": "micro"})).eligible is True


def test_cluster_rule_refuses_an_exhibitor_of_another_cluster():
    rules = Rules(expo_id=1, expo_year=2026, cluster_ids=frozenset({11, 12}))
    assert _reasons(rules) == [(eligibility.OTHER_CLUSTER, "not in one of the category's clusters")]
    assert check(rules, Applicant(**{**APPLICANT.__dict__, "cluster_id": 12})).eligible is True


def test_sector_rule_refuses_an_exhibitor_of_another_sector():
    rules = Rules(expo_id=1, expo_year=2026, sector_ids=frozenset({21}))
    assert _reasons(rules) == [(eligibility.OTHER_SECTOR, "not in one of the category's sectors")]
    assert check(rules, Applicant(**{**APPLICANT.__dict__, "sector_id": 21})).eligible is True


def test_first_time_only_refuses_an_exhibitor_of_an_earlier_edition_naming_the_latest():
    rules = Rules(expo_id=1, expo_year=2026, first_time_only=True)
    applicant = Applicant(**{**APPLICANT.__dict__, "earlier_editions": (2023, 2025)})
    assert _reasons(rules, applicant) == [(eligibility.NOT_FIRST_TIME, "not a first-time exhibitor: exhibited in 2025")]
    # A later edition is not an earlier one.
    assert check(rules, Applicant(**{**APPLICANT.__dict__, "earlier_editions": (2027,)})).eligible is True


@pytest.mark.parametrize(
    ("founded", "expected"),
    [
        (2022, [(eligibility.TOO_YOUNG, "4 years in business, fewer than the 5 needed")]),
        (2021, []),  # exactly five years
        (None, [(eligibility.FOUNDED_UNKNOWN, "the year founded is not known, and 5 years in business are needed")]),
    ],
)
def test_minimum_years_in_business(founded, expected):
    rules = Rules(expo_id=1, expo_year=2026, min_years_in_business=5)
    assert _reasons(rules, Applicant(**{**APPLICANT.__dict__, "year_founded": founded})) == expected


def test_exhibitor_of_another_edition_refused():
    assert [code for code, _ in _reasons(RULES, Applicant(**{**APPLICANT.__dict__, "expo_id": 2}))] == [
        eligibility.OTHER_EDITION
    ]


def test_every_failing_rule_gives_its_reason_in_order():
    rules = Rules(
        expo_id=1,
        expo_year=2026,
        women_led_only=True,
        micro_only=True,
        cluster_ids=frozenset({11}),
        sector_ids=frozenset({21}),
        first_time_only=True,
        min_years_in_business=20,
    )
    applicant = Applicant(**{**APPLICANT.__dict__, "earlier_editions": (2025,)})
    assert [code for code, _ in _reasons(rules, applicant)] == [
        eligibility.NOT_WOMEN_LED,
        eligibility.NOT_MICRO,
        eligibility.OTHER_CLUSTER,
        eligibility.OTHER_SECTOR,
        eligibility.NOT_FIRST_TIME,
        eligibility.TOO_YOUNG,
    ]


# --- The facts, read from the portal ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_inputs_read_sector_year_founded_and_earlier_editions_of_the_same_enterprise(expo):
    sector = SectorFactory()
    cluster = ClusterFactory(sector=sector)
    earlier = ExhibitorFactory(nomination__expo=ExpoFactory(year=2024, is_current=False), nomination__cluster=cluster)
    exhibitor = ExhibitorFactory(
        nomination__expo=expo,
        nomination__cluster=cluster,
        nomination__enterprise=earlier.enterprise,
        nomination__year_founded=2019,
        nomination__size_class="micro",
        nomination__women_led=True,
    )
    category = AwardCategoryFactory(expo=expo, first_time_only=True, min_years_in_business=3)
    category.sectors.add(sector)

    rules, applicant = selectors.eligibility_inputs(category=category, exhibitor=exhibitor)

    assert rules.sector_ids == frozenset({sector.pk})
    assert (applicant.sector_id, applicant.year_founded, applicant.earlier_editions) == (sector.pk, 2019, (2024,))
    assert (applicant.women_led, applicant.size_class) == (True, "micro")
    result = services.eligibility_check(category=category, exhibitor=exhibitor)
    assert [reason.code for reason in result.reasons] == [eligibility.NOT_FIRST_TIME]


@pytest.mark.django_db
def test_stored_reasons_shown_in_the_readers_language(expo, exhibitor):
    category = AwardCategoryFactory(expo=expo, women_led_only=True)
    stored = [
        {"code": r.code, "message": r.message, "params": dict(r.params)}
        for r in services.eligibility_check(category=category, exhibitor=exhibitor).reasons
    ]
    with translation.override("en"):
        assert services.reasons_text(stored) == ["not women-led"]
