"""Results of the awards: the secretariat approves each category's winners and runners-up from its final round's
leaderboard, then publishes them, per category or for the whole edition.

Approving stores a ``Result`` per honoured place with its rank, score and the explanation in English; approving
again (in the other mode, say) replaces what is not yet published, never what is. Publishing renews the cached
public pages that show winners (the awards page, the directory, the floor plan) and, once committed, has the
certificates made and emailed by a task (``awards.certificates``). The results' reads (the running order, the
published winners, the secretariat's results page) are in ``awards.selectors``.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exhibitors.services import directory_changed
from expo import caching
from expo.models import Expo, User
from expo.services import ExpoError
from pavilions.services import floor_plan_changed

from . import certificates, judging, leaderboards
from .models import Category, Result

AWARDS_VERSION_KEY = "awards:results-version"


class ResultsError(ExpoError):
    """Results that cannot be approved or published; the message says why."""


def results_changed() -> None:
    """Renew every cached public page that shows the published winners."""
    caching.bump(AWARDS_VERSION_KEY)
    directory_changed()
    floor_plan_changed()


def results_approve(*, category: Category, mode: str, by: User) -> list[Result]:
    """Approve the winners and runners-up of ``category`` as its closed final round's ``mode`` leaderboard places
    them, replacing an earlier approval that is not published; refused once published or before the round closes."""
    if mode not in judging.MODES:
        raise ResultsError(_("Choose the normalised or the raw leaderboard."))
    final = leaderboards.final_round(category=category)
    if final is None or not final.is_closed:
        raise ResultsError(_("The final round must be closed before its winners are approved."))
    try:
        boards = leaderboards.boards_in_english(round=final)
    except judging.JudgingInputError as error:
        raise ResultsError(str(error)) from error
    lines = [line for line in boards.board(mode).lines if line.place is not None]
    if not lines:
        raise ResultsError(_("No candidate was scored in the final round."))
    now = timezone.now()
    with transaction.atomic():
        category = Category.objects.select_for_update().get(pk=category.pk)
        if category.results.filter(published_at__isnull=False).exists():
            raise ResultsError(_("The results of this category are published: they can no longer change."))
        category.results.all().delete()
        results = [
            Result.objects.create(
                category=category,
                candidate=line.candidate,
                rank=line.rank,
                place=line.place,
                mode=mode,
                score=line.score,
                explanation=leaderboards.explanation_in_english(line),
                approved_by=by,
                approved_at=now,
            )
            for line in lines
        ]
    return results


def results_publish(*, expo: Expo, site_url: str, category: Category | None = None) -> int:
    """Publish the approved results of ``category``, or of every category of ``expo``; returns how many. Their
    certificates link to their verification pages under ``site_url``."""

    results = Result.objects.filter(category__expo=expo, approved_at__isnull=False, published_at__isnull=True)
    if category is not None:
        results = results.filter(category=category)
    with transaction.atomic():
        locked = list(results.select_for_update(of=("self",)))
        if not locked:
            raise ResultsError(_("There are no approved results to publish."))
        now = timezone.now()
        for result in locked:
            result.published_at = now
            result.save(update_fields=["published_at"])  # saved one by one: the history keeps each publication
            certificates.certificate_enqueue(result_id=result.pk, site_url=site_url)
        transaction.on_commit(results_changed)
    return len(locked)
