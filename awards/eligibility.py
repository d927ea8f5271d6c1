"""Whether an exhibitor may compete for an award category, and why not. Pure Python, no Django.

A category's rules are data (``Rules``); the exhibitor's facts are read once by the selectors
(``awards.selectors.eligibility_inputs``). Every rule that fails gives its own reason, so the secretariat
and the exhibitor see all of them at once, not only the first. An empty rule lets everyone through.
"""

from dataclasses import dataclass

from awards.judging.specs import Because, gettext_noop

MICRO = "micro"

# Codes of the reasons, in the order the rules are checked.
NOT_WOMEN_LED = "not_women_led"
NOT_MICRO = "not_micro"
OTHER_CLUSTER = "other_cluster"
OTHER_SECTOR = "other_sector"
NOT_FIRST_TIME = "not_first_time"
TOO_YOUNG = "too_young"
FOUNDED_UNKNOWN = "founded_unknown"
OTHER_EDITION = "other_edition"


@dataclass(frozen=True)
class Rules:
    """A category's eligibility rules. Empty sets and ``None`` mean no restriction."""

    expo_id: int
    expo_year: int
    women_led_only: bool = False
    micro_only: bool = False
    cluster_ids: frozenset[int] = frozenset()
    sector_ids: frozenset[int] = frozenset()
    first_time_only: bool = False
    min_years_in_business: int | None = None


@dataclass(frozen=True)
class Applicant:
    """What the rules look at of one exhibitor."""

    expo_id: int
    women_led: bool
    size_class: str
    cluster_id: int
    sector_id: int
    year_founded: int | None
    earlier_editions: tuple[int, ...] = ()  # the years of earlier editions the enterprise exhibited at


@dataclass(frozen=True)
class Eligibility:
    reasons: tuple[Because, ...]

    @property
    def eligible(self) -> bool:
        return not self.reasons


def check(rules: Rules, applicant: Applicant) -> Eligibility:
    """Every rule of ``rules`` that ``applicant`` fails, with a reason each; none when it is eligible.

    Years in business are counted as the edition's year minus the year founded: an enterprise founded in
    2021 has five years in business at the 2026 edition.
    """
    reasons = []
    if applicant.expo_id != rules.expo_id:
        reasons.append(Because(OTHER_EDITION, gettext_noop("not an exhibitor at this edition")))
    if rules.women_led_only and not applicant.women_led:
        reasons.append(Because(NOT_WOMEN_LED, gettext_noop("not women-led")))
    if rules.micro_only and applicant.size_class != MICRO:
        reasons.append(Because(NOT_MICRO, gettext_noop("not a micro enterprise")))
    if rules.cluster_ids and applicant.cluster_id not in rules.cluster_ids:
        reasons.append(Because(OTHER_CLUSTER, gettext_noop("not in one of the category's clusters")))
    if rules.sector_ids and applicant.sector_id not in rules.sector_ids:
        reasons.append(Because(OTHER_SECTOR, gettext_noop("not in one of the category's sectors")))
    earlier = sorted(year for year in applicant.earlier_editions if year < rules.expo_year)
    if rules.first_time_only and earlier:
        reasons.append(
            Because(
                NOT_FIRST_TIME,
                gettext_noop("not a first-time exhibitor: exhibited in %(year)s"),
                (("year", earlier[-1]),),
            )
        )
    if rules.min_years_in_business:
        if applicant.year_founded is None:
            reasons.append(
                Because(
                    FOUNDED_UNKNOWN,
                    gettext_noop("the year founded is not known, and %(minimum)s years in business are needed"),
                    (("minimum", rules.min_years_in_business),),
                )
            )
        elif rules.expo_year - applicant.year_founded < rules.min_years_in_business:
            reasons.append(
                Because(
                    TOO_YOUNG,
                    gettext_noop("%(years)s years in business, fewer than the %(minimum)s needed"),
                    (
                        ("years", max(rules.expo_year - applicant.year_founded, 0)),
                        ("minimum", rules.min_years_in_business),
                    ),
                )
            )
    return Eligibility(reasons=tuple(reasons))
