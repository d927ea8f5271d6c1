"""Ranks nominations for staff: mean review score, with data-given bonuses for women-led and micro enterprises.

Plain Python, no Django: the admin's ranked view loads candidates, calls ``rank``, shows the result.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    id: int
    mean_score: float | None  # None: not scored yet
    women_led: bool
    micro: bool
    submitted_order: float  # earlier submissions first when all else is equal


@dataclass(frozen=True)
class Preferences:
    women_led_bonus: float
    micro_bonus: float


@dataclass(frozen=True)
class Ranked:
    id: int
    rank: int | None  # None for candidates not scored yet, listed last
    mean_score: float | None
    ranking_score: float | None
    bonuses: tuple[str, ...]


def rank(candidates: list[Candidate], preferences: Preferences) -> list[Ranked]:
    """Order by mean score plus bonuses, then by mean score, then by submission; unscored last.

    With small bonuses this puts women-led and micro enterprises first at equal merit;
    larger bonuses let them overtake slightly higher scores, as staff choose.
    """
    scored, unscored = [], []
    for candidate in candidates:
        if candidate.mean_score is None:
            unscored.append(candidate)
            continue
        bonuses = []
        ranking_score = candidate.mean_score
        if candidate.women_led and preferences.women_led_bonus:
            ranking_score += preferences.women_led_bonus
            bonuses.append("women_led")
        if candidate.micro and preferences.micro_bonus:
            ranking_score += preferences.micro_bonus
            bonuses.append("micro")
        scored.append((round(ranking_score, 4), candidate, tuple(bonuses)))
    scored.sort(key=lambda item: (-item[0], -item[1].mean_score, item[1].submitted_order, item[1].id))
    ranked = [
        Ranked(candidate.id, position, candidate.mean_score, ranking_score, bonuses)
        for position, (ranking_score, candidate, bonuses) in enumerate(scored, start=1)
    ]
    unscored.sort(key=lambda candidate: (candidate.submitted_order, candidate.id))
    ranked += [Ranked(candidate.id, None, None, None, ()) for candidate in unscored]
    return ranked
