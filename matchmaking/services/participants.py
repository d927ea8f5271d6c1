"""Taking part in matchmaking: the participant's profile and the slots they keep open."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exhibitors.models import Exhibitor
from expo.models import Cluster, Sector, User
from visitors.models import Registration

from .. import selectors, suggest_services
from ..models import AvailabilityBlock, Participant
from .base import MatchmakingError

PROFILE_FIELDS = ("organisation", "country", "product_keywords", "hs_codes", "volume", "target_markets", "languages")


def _profile_set(
    participant: Participant, *, profile: dict[str, str], clusters: Iterable[Cluster], sectors: Iterable[Sector]
) -> None:
    for name in PROFILE_FIELDS:
        setattr(participant, name, profile.get(name, ""))
    participant.delegation_members = profile.get("delegation_members", "") if participant.registration_id else ""
    participant.save()
    participant.clusters.set(clusters)
    participant.sectors.set(sectors)


def participant_join(
    *,
    exhibitor: Exhibitor | None = None,
    registration: Registration | None = None,
    profile: dict[str, str],
    clusters: Iterable[Cluster] = (),
    sectors: Iterable[Sector] = (),
) -> Participant:
    """Make (or update, and take part again) the participant of an exhibitor or of a confirmed registration.

    ``profile`` holds the texts of ``PROFILE_FIELDS`` (and ``delegation_members`` for a visitor).
    """
    if (exhibitor is None) == (registration is None):
        raise ValueError("Give an exhibitor or a registration.")
    if registration is not None and not selectors.registration_can_take_part(registration):
        raise MatchmakingError(_("Only confirmed buyers, investors, banks, officials and delegations take part."))
    with transaction.atomic():
        if exhibitor is not None:
            participant, _created = Participant.objects.select_for_update().get_or_create(
                exhibitor=exhibitor,
                defaults={"expo": exhibitor.expo, "kind": Participant.Kind.EXHIBITOR, "country": "PK"},
            )
        else:
            participant, _created = Participant.objects.select_for_update().get_or_create(
                registration=registration,
                defaults={"expo": registration.expo, "kind": Participant.Kind.VISITOR, "country": registration.country},
            )
        participant.active = True
        _profile_set(participant, profile=profile, clusters=clusters, sectors=sectors)
        suggest_services.suggestions_recompute_soon(expo_id=participant.expo_id)
    return participant


def participant_leave(*, participant: Participant) -> None:
    """Stop taking part: others can no longer ask; requests already made stay as they are."""
    Participant.objects.filter(pk=participant.pk).update(active=False)
    suggest_services.suggestions_recompute_soon(expo_id=participant.expo_id)


def exhibitor_participant_ensure(*, exhibitor: Exhibitor) -> Participant:
    """The exhibitor's participant, made from its directory profile if it has none yet: every exhibitor can be
    asked for a meeting unless it opts out."""
    participant, _created = Participant.objects.get_or_create(
        exhibitor=exhibitor,
        defaults={
            "expo": exhibitor.expo,
            "kind": Participant.Kind.EXHIBITOR,
            "organisation": exhibitor.name,
            "country": "PK",
            "target_markets": exhibitor.export_markets[:200],
        },
    )
    if _created:
        participant.clusters.set([exhibitor.cluster_id])
    return participant


def availability_set(*, participant: Participant, available_slot_ids: Iterable[int], by: User | None = None) -> None:
    """Block every slot the participant could meet in by default but did not keep; ``by`` is the member of the
    desk who set it for them, recorded on the participant."""
    keep = set(available_slot_ids)
    offered = {
        slot.pk for slot in selectors.default_slots(expo=participant.expo, registration=participant.registration)
    }
    if not keep <= offered:
        raise MatchmakingError(_("Choose among the slots offered."), field="slots")
    with transaction.atomic():
        AvailabilityBlock.objects.filter(participant=participant).delete()
        AvailabilityBlock.objects.bulk_create(
            AvailabilityBlock(participant=participant, slot_id=slot_id) for slot_id in sorted(offered - keep)
        )
        Participant.objects.filter(pk=participant.pk).update(availability_set_by=by, availability_set_at=timezone.now())
