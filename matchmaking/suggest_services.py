"""Writes of suggestions of whom to meet: recomputing an expo's suggestions, and asking for that in the background.

Suggestions are never computed on page load. A profile that changes (a participant joins, edits their profile or
leaves) asks for the expo's suggestions to be recomputed once the change is committed; requests made meanwhile
are coalesced into one run of the task. A recompute replaces all the expo's suggestions in one transaction, so a
page shows either the old set or the new one, and running it twice leaves the same rows.
"""

from functools import partial

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from expo.models import Expo

from . import suggest, suggest_selectors
from .models import MatchmakingSettings, Participant, Suggestion

# Set while a recompute of the expo is queued and not yet started: more changes meanwhile queue nothing more.
QUEUED_KEY = "matchmaking:suggestions-queued:{expo_id}"
QUEUED_FOR = 600  # seconds: a queued task lost with its worker holds back no recompute for longer


def _enqueue(expo_id: int) -> None:
    from .tasks import recompute_suggestions  # the tasks module imports the services

    if cache.add(QUEUED_KEY.format(expo_id=expo_id), 1, timeout=QUEUED_FOR):
        recompute_suggestions.delay(expo_id)


def suggestions_recompute_soon(*, expo_id: int) -> None:
    """Queue a recompute of the expo's suggestions once the current transaction commits (nothing if it rolls
    back)."""
    transaction.on_commit(partial(_enqueue, expo_id))


def exhibitor_offer_changed_received(sender, *, exhibitor, **kwargs) -> None:
    """An exhibitor's profile, products or listing changed (``exhibitors.signals``): every participant's
    suggestions may change with them."""
    suggestions_recompute_soon(expo_id=exhibitor.expo_id)


def suggestions_recompute(*, expo_id: int) -> int:
    """Compute the expo's suggestions and replace the stored ones in one transaction; the number stored.

    The expo's settings row is locked while writing, so two recomputes at once write one after the other.
    """
    cache.delete(QUEUED_KEY.format(expo_id=expo_id))
    expo = Expo.objects.filter(pk=expo_id).first()
    if expo is None:
        return 0
    # Read before the profiles: a participant who joins while this runs is still shown as waiting for theirs.
    started = timezone.now()
    inputs = suggest_selectors.suggest_inputs(expo=expo)
    found = suggest.suggest(
        inputs.profiles, weights=inputs.weights, catalogue=inputs.catalogue, asked=inputs.asked, limit=inputs.limit
    )
    with transaction.atomic():
        rules, _created = MatchmakingSettings.objects.get_or_create(expo=expo)
        MatchmakingSettings.objects.select_for_update().get(pk=rules.pk)
        # Participants who left or were removed since the read get nothing.
        present = set(Participant.objects.filter(expo=expo, pk__in=found).values_list("pk", flat=True))
        rows = [
            Suggestion(
                expo=expo,
                participant_id=participant_id,
                exhibitor_id=item.target[1] if item.target[0] == "e" else None,
                other_id=item.target[1] if item.target[0] == "p" else None,
                rank=rank,
                score=item.score,
                reasons=[[reason.code, suggest.reason_params(reason)] for reason in item.reasons],
                computed_at=started,
            )
            for participant_id, items in sorted(found.items())
            if participant_id in present
            for rank, item in enumerate(items, start=1)
        ]
        Suggestion.objects.filter(expo=expo).delete()
        Suggestion.objects.bulk_create(rows, batch_size=2000)
        MatchmakingSettings.objects.filter(pk=rules.pk).update(suggestions_computed_at=started)
    return len(rows)
