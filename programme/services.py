"""Writes of the programme: sessions in rooms, their speakers, speaker profiles and invitations.

Two rules hold whatever the order of the writes: a room holds one session at a time, and a speaker is in
one session at a time. Each write locks the room, or the speakers, before it checks (``selectors``), so
that two people saving at once are answered one after the other; on PostgreSQL the room rule is also an
exclusion constraint, whose refusal is turned into the same readable error.
"""

import datetime
import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass
from functools import partial
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerUnavailable

from exhibitors.models import Exhibitor, private_storage
from expo import caching, images
from expo.forms import UploadedImage, image_messages
from expo.models import User
from expo.services import ExpoError, email_queue, invitation_create
from visitors import services as visitor_services
from visitors.models import Badge, Registration, Scan

from . import selectors
from .models import Attendance, CalendarFeed, MemberCalendarFeed, Room, Rsvp, Session, SessionSpeaker, Speaker

logger = logging.getLogger(__name__)

PROGRAMME_VERSION_KEY = "programme:version"
ROOM_CONSTRAINT = "no_two_sessions_in_a_room_at_once"
SESSION_FIELDS = (
    "kind",
    "title",
    "title_ur",
    "abstract",
    "abstract_ur",
    "starts_at",
    "ends_at",
    "room",
    "language",
    "rsvp_required",
    "no_meetings_during",
)


class ProgrammeError(ExpoError):
    """A write the programme's rules refuse; the message can be shown as it is. ``field`` names the form field
    it belongs to, when there is one."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def programme_changed() -> None:
    """Invalidate every cached page of the public programme."""
    caching.bump(PROGRAMME_VERSION_KEY)


def _when(session: Session) -> str:
    start = timezone.localtime(session.starts_at, timezone.get_current_timezone())
    end = timezone.localtime(session.ends_at, timezone.get_current_timezone())
    return f"{date_format(start, 'DATE_FORMAT')} {date_format(start, 'TIME_FORMAT')}–{date_format(end, 'TIME_FORMAT')}"


def session_check(*, session: Session, speaker_ids: list[int]) -> None:
    """Raise ``ProgrammeError`` if ``session`` (saved or not) would clash in its room or for one of ``speaker_ids``.

    The caller holds the locks (``_lock_for``) when it goes on to write.
    """
    if session.starts_at and session.ends_at and session.ends_at <= session.starts_at:
        raise ProgrammeError(_("A session must end after it starts."), field="ends_at")
    if session.is_cancelled:
        return
    other = selectors.room_clash(session=session)
    if other is not None:
        raise ProgrammeError(
            _("%(room)s already holds “%(title)s” at that time (%(when)s).")
            % {"room": session.room, "title": other.title, "when": _when(other)},
            field="room",
        )
    clashes = selectors.speaker_clashes(session=session, speaker_ids=speaker_ids)
    if clashes:
        clash = clashes[0]
        raise ProgrammeError(
            _("%(speaker)s is already speaking at “%(title)s” at that time (%(when)s).")
            % {"speaker": clash.speaker, "title": clash.session.title, "when": _when(clash.session)}
        )


def _lock_for(*, room_id: int, speaker_ids: list[int]) -> None:
    """Take the row locks that make the room and speaker checks hold: the room, then the speakers by id."""
    Room.objects.select_for_update().filter(pk=room_id).first()
    list(Speaker.objects.select_for_update().filter(pk__in=speaker_ids).order_by("pk").values_list("pk", flat=True))


def session_save(*, session: Session, speaker_ids: list[int] | None = None, sectors=None, clusters=None) -> Session:
    """Create or update ``session`` (its fields already set) after checking its room and speakers are free.

    ``speaker_ids`` given replaces the session's speakers (in that order); left out, its current speakers are
    checked at the new time. Raise ``ProgrammeError`` when the room or a speaker is taken.
    """
    with transaction.atomic():
        if speaker_ids is None:
            speaker_ids = list(
                SessionSpeaker.objects.filter(session_id=session.pk).values_list("speaker_id", flat=True)
            )
        _lock_for(room_id=session.room_id, speaker_ids=speaker_ids)
        session_check(session=session, speaker_ids=speaker_ids)
        before = Session.objects.filter(pk=session.pk).values("starts_at", "ends_at", "room_id").first()
        try:
            with transaction.atomic():
                session.save()
        except IntegrityError as error:
            if ROOM_CONSTRAINT in str(error):
                raise ProgrammeError(_("Another session is in this room at that time."), field="room") from error
            raise
        if sectors is not None:
            session.sectors.set(sectors)
        if clusters is not None:
            session.clusters.set(clusters)
        current = set(SessionSpeaker.objects.filter(session=session).values_list("speaker_id", flat=True))
        SessionSpeaker.objects.filter(session=session).exclude(speaker_id__in=speaker_ids).delete()
        for order, speaker_id in enumerate(speaker_ids):
            if speaker_id in current:
                SessionSpeaker.objects.filter(session=session, speaker_id=speaker_id).update(order=order)
            else:
                SessionSpeaker.objects.create(session=session, speaker_id=speaker_id, order=order)
        if before is not None and before != {
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "room_id": session.room_id,
        }:
            _session_moved(session)
        transaction.on_commit(programme_changed)
    return session


def _session_moved(session: Session) -> None:
    """After ``session`` moved to another time or room: its places are fitted to the room's seats as the seats of a
    room are (``_rsvp_fit``), then everyone with a place is told the new time and room, with what else of theirs is
    now at the same time (their other places and their B2B meetings), if anything; nothing of theirs is cancelled.
    Moved into a larger room, the waitlist then moves up."""
    locked = _lock_session(session)
    waitlisted = {rsvp.pk for rsvp in _rsvp_fit(locked)}
    rsvps = Rsvp.objects.filter(session=locked).exclude(status=Rsvp.Status.CANCELLED).select_related("registration")
    for rsvp in rsvps:
        rsvp.session = locked
        clashes = selectors.rsvp_clashes(registration=rsvp.registration, session=locked)
        _rsvp_email(rsvp, "changed", clashes=clashes, waitlisted=rsvp.pk in waitlisted)
    _rsvp_promote(locked)


def session_speaker_add(
    *, session: Session, speaker: Speaker, role: str = SessionSpeaker.Role.SPEAKER
) -> SessionSpeaker:
    """Add ``speaker`` to ``session``, unless they speak elsewhere at that time."""
    with transaction.atomic():
        _lock_for(room_id=session.room_id, speaker_ids=[speaker.pk])
        clashes = selectors.speaker_clashes(session=session, speaker_ids=[speaker.pk])
        if clashes and not session.is_cancelled:
            raise ProgrammeError(
                _("%(speaker)s is already speaking at “%(title)s” at that time (%(when)s).")
                % {"speaker": speaker, "title": clashes[0].session.title, "when": _when(clashes[0].session)},
                field="speaker",
            )
        link, _created = SessionSpeaker.objects.get_or_create(
            session=session, speaker=speaker, defaults={"role": role, "order": session.speakers.count()}
        )
        transaction.on_commit(programme_changed)
    return link


def session_cancel(*, session: Session) -> Session:
    """Cancel ``session``: it stays on the programme, marked cancelled, and frees its room."""
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if locked.cancelled_at is None:
            locked.cancelled_at = timezone.now()
            locked.save(update_fields=["cancelled_at", "updated_at"])
            _session_change_email(locked, "cancelled")
            transaction.on_commit(programme_changed)
    return locked


# --- Speakers -----------------------------------------------------------------


def speaker_invite(*, speaker: Speaker, email: str, invited_by: User, site_url: str) -> None:
    """Invite ``email`` to confirm and edit ``speaker``'s profile (the one invitation flow of the portal)."""
    invitation_create(organisation=speaker, email=email, invited_by=invited_by, site_url=site_url)


def speaker_profile_update(*, speaker: Speaker, user: User, data: dict) -> Speaker:
    """Save the profile a member of ``speaker`` edited, and mark it confirmed by the speaker.

    ``data`` holds the form's fields; ``photo`` is an ``UploadedImage`` (checked in the request), ``False``
    (cleared) or None (unchanged).
    """
    with transaction.atomic():
        locked = Speaker.objects.select_for_update().get(pk=speaker.pk)
        if not locked.members.filter(pk=user.pk).exists():
            raise ProgrammeError(_("Only the speaker may confirm this profile."))
        photo = data.pop("photo", None)
        for field, value in data.items():
            setattr(locked, field, value)
        _photo_apply(locked, photo)
        locked.confirmed_at = locked.confirmed_at or timezone.now()
        locked.save()
        transaction.on_commit(programme_changed)
    return locked


def speaker_save(*, speaker: Speaker, photo: UploadedImage | bool | None = None) -> Speaker:
    """Save ``speaker`` as staff set it up, with ``photo`` as in ``speaker_profile_update``."""
    with transaction.atomic():
        if photo is not None and speaker.pk:
            # The files being replaced are those stored, not those the form put on the instance.
            stored = Speaker.objects.select_for_update().get(pk=speaker.pk)
            speaker.photo, speaker.photo_thumbnail = stored.photo, stored.photo_thumbnail
        _photo_apply(speaker, photo)
        speaker.save()
        transaction.on_commit(programme_changed)
    return speaker


def _photo_apply(speaker: Speaker, photo: UploadedImage | bool | None) -> None:
    """Replace (an ``UploadedImage``), clear (``False``) or keep (None) the photo of ``speaker``."""
    if isinstance(photo, UploadedImage) or photo is False:
        _photo_delete_on_commit(speaker)
        speaker.photo, speaker.photo_thumbnail = "", ""
    if isinstance(photo, UploadedImage):
        _photo_stage(speaker, photo.original)


# A speaker's photo follows the exhibitors' images: checked in the request (``expo.forms.ImageUploadField``),
# the original kept privately until a worker re-encodes it without metadata and makes the thumbnail; public
# media only ever holds re-encoded images, and pages show the photo once its thumbnail is there.
PENDING_FOLDER = "pending"


def _pending_name(name: str) -> str:
    return f"{PENDING_FOLDER}/{name}"


def _photo_delete_on_commit(speaker: Speaker) -> None:
    for file in (speaker.photo, speaker.photo_thumbnail):
        if file:
            transaction.on_commit(partial(file.storage.delete, file.name))
    if speaker.photo:
        transaction.on_commit(partial(private_storage().delete, _pending_name(speaker.photo.name)))


def _photo_stage(speaker: Speaker, original: ContentFile) -> None:
    name = Speaker._meta.get_field("photo").generate_filename(speaker, original.name)
    private_storage().save(_pending_name(name), original)
    speaker.photo, speaker.photo_thumbnail = name, ""
    # A new speaker's row has its id only once saved, later in the same transaction.
    transaction.on_commit(lambda: _photo_process_enqueue(speaker.pk))


def _photo_process_enqueue(speaker_id: int) -> None:
    from .tasks import speaker_photo_process

    try:
        speaker_photo_process.delay(speaker_id)
    except BrokerUnavailable:
        logger.warning("Broker unavailable; speaker %s's photo left waiting to be re-encoded.", speaker_id)


def speaker_photo_process(*, speaker_id: int) -> bool:
    """Re-encode the speaker's waiting photo and make its thumbnail. Safe to run twice, and after the photo
    was replaced or cleared (it then does nothing). Returns whether it wrote them."""
    speaker = Speaker.objects.filter(pk=speaker_id).first()
    if speaker is None or not speaker.photo or speaker.photo_thumbnail:
        return False
    name = speaker.photo.name
    pending = private_storage()
    try:
        with pending.open(_pending_name(name), "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return False
    try:
        clean = images.reencode(data, messages=image_messages())
    except images.ImageRejected as error:
        logger.warning("Speaker %s's photo could not be re-encoded (%s); it is dropped.", speaker_id, error)
        clean = None
    with transaction.atomic():
        locked = Speaker.objects.select_for_update().filter(pk=speaker_id).first()
        if locked is None or locked.photo.name != name or locked.photo_thumbnail:
            return False
        if clean is None:
            Speaker.objects.filter(pk=speaker_id).update(photo="")
        else:
            locked.photo.storage.delete(name)
            locked.photo.storage.save(name, ContentFile(clean.content))
            locked.photo_thumbnail.save(f"thumbnail.{clean.extension}", ContentFile(clean.thumbnail), save=False)
            Speaker.objects.filter(pk=speaker_id).update(photo_thumbnail=locked.photo_thumbnail.name)
        transaction.on_commit(partial(pending.delete, _pending_name(name)))
        transaction.on_commit(programme_changed)
    return clean is not None


# --- RSVP -----------------------------------------------------------------------
#
# The same rules as a day's capacity at the gate (``visitors.services``): places are counted while the session's
# row is locked, so simultaneous RSVPs never overfill the room, and the waitlist is promoted in the order people
# asked as soon as a place frees up.


def _lock_session(session: Session) -> Session:
    return Session.objects.select_for_update(of=("self",)).select_related("room__hall", "expo").get(pk=session.pk)


def _confirmed_count(session: Session) -> int:
    return Rsvp.objects.filter(session=session, status=Rsvp.Status.CONFIRMED).count()


def _rsvp_email(rsvp: Rsvp, kind: str, *, clashes: list | None = None, waitlisted: bool = False) -> None:
    """Tell the person of ``rsvp`` about their place: ``kind`` is "promoted", "changed", "cancelled" or "fewer_seats";
    ``clashes`` (``selectors.Clash``) what else of theirs is at the session's time, ``waitlisted`` whether the change
    moved their place to the waitlist."""
    from visitors import links

    registration = rsvp.registration
    email_queue(
        to=registration.email,
        template="programme_rsvp",
        language=registration.language,
        context={
            "rsvp": rsvp,
            "session": rsvp.session,
            "kind": kind,
            "clashes": clashes or [],
            "waitlisted": waitlisted,
        },
        secret_context={"manage_url": links.manage_url(registration)},
    )


def rsvp_create(*, session: Session, registration: Registration, accept_clash: bool = False) -> Rsvp:
    """Give ``registration`` a place at ``session`` (confirmed while the room has seats, else waitlisted).

    A person with a confirmed or waitlisted RSVP at an overlapping session is refused unless ``accept_clash``:
    the clash is shown, not silently allowed. Asking again while confirmed or waitlisted changes nothing.
    """
    with transaction.atomic():
        session = _lock_session(session)
        if session.expo_id != registration.expo_id or not session.rsvp_required:
            raise ProgrammeError(_("This session needs no RSVP."))
        if session.is_cancelled:
            raise ProgrammeError(_("This session is cancelled."))
        if registration.status == Registration.Status.CANCELLED:
            raise ProgrammeError(_("Your registration is cancelled."))
        existing = Rsvp.objects.filter(session=session, registration=registration).first()
        if existing is not None and existing.status != Rsvp.Status.CANCELLED:
            return existing
        clashes = selectors.rsvp_clashes(registration=registration, session=session)
        if clashes and not accept_clash:
            raise RsvpClash(clashes)
        status = Rsvp.Status.CONFIRMED if _confirmed_count(session) < session.room.capacity else Rsvp.Status.WAITLISTED
        rsvp = existing or Rsvp(session=session, registration=registration)
        # Asking again after cancelling joins the end of the queue.
        rsvp.status, rsvp.queued_at = status, timezone.now()
        rsvp.save()
    return rsvp


def rsvp_cancel(*, rsvp: Rsvp) -> Rsvp:
    """Give the place up; the first people on the waitlist are confirmed while the room has seats, and told."""
    with transaction.atomic():
        _lock_session(rsvp.session)
        rsvp = Rsvp.objects.select_related("session__room").get(pk=rsvp.pk)
        if rsvp.status == Rsvp.Status.CANCELLED:
            return rsvp
        rsvp.status = Rsvp.Status.CANCELLED
        rsvp.save(update_fields=["status"])
        _rsvp_promote(rsvp.session)
    return rsvp


def room_save(*, room: Room) -> Room:
    """Save ``room``; when it now seats more people, the waitlists of its sessions still to come move up; when
    fewer, the places of those who asked last go back to the head of the waitlist (``_rsvp_fit``), and they are told."""
    with transaction.atomic():
        room.save()
        upcoming = Session.objects.filter(
            room=room, rsvp_required=True, cancelled_at__isnull=True, ends_at__gt=timezone.now()
        ).order_by("pk")
        for session in upcoming:
            locked = _lock_session(session)
            for rsvp in _rsvp_fit(locked):
                _rsvp_email(rsvp, "fewer_seats", waitlisted=True)
            _rsvp_promote(locked)
        transaction.on_commit(programme_changed)
    return room


def _rsvp_fit(session: Session) -> list[Rsvp]:
    """Keep the confirmed places of ``session`` within its room's seats, by the waitlist's own order: the people who
    asked first keep theirs, the others are waitlisted again, ahead of those who asked after them (their
    ``queued_at`` is kept), so a place that frees up, or more seats, confirm them first. The mirror of
    ``_rsvp_promote``; the caller holds the lock. Returns the RSVPs moved to the waitlist."""
    if session.is_cancelled or not session.rsvp_required:
        return []
    over = list(
        Rsvp.objects.filter(session=session, status=Rsvp.Status.CONFIRMED)
        .select_related("registration", "session__room__hall")
        .order_by("queued_at", "pk")[session.room.capacity :]
    )
    for rsvp in over:
        rsvp.status = Rsvp.Status.WAITLISTED
        rsvp.save(update_fields=["status"])
    return over


def _rsvp_promote(session: Session) -> list[Rsvp]:
    """Confirm waitlisted RSVPs in the order people asked while the room has seats; the caller holds the lock."""
    free = session.room.capacity - _confirmed_count(session)
    if free <= 0 or session.is_cancelled:
        return []
    promoted = list(
        Rsvp.objects.filter(session=session, status=Rsvp.Status.WAITLISTED)
        .select_related("registration", "session__room__hall")
        .order_by("queued_at", "pk")[:free]
    )
    for rsvp in promoted:
        rsvp.status = Rsvp.Status.CONFIRMED
        rsvp.save(update_fields=["status"])
        _rsvp_email(rsvp, "promoted")
    return promoted


def _session_change_email(session: Session, kind: str) -> None:
    """Tell everyone with a confirmed or waitlisted RSVP that ``session`` moved or was cancelled."""
    rsvps = Rsvp.objects.filter(session=session).exclude(status=Rsvp.Status.CANCELLED).select_related("registration")
    for rsvp in rsvps:
        rsvp.session = session
        _rsvp_email(rsvp, kind)


class RsvpClash(ProgrammeError):
    """The person already has a place at a session, or a B2B meeting, at the same time: ``clashes`` lists them
    (``selectors.Clash``)."""

    def __init__(self, clashes: list):
        first = clashes[0]
        if first.is_meeting:
            message = _("Your B2B agenda has “%(title)s” at that time.") % {"title": first.display_title}
        else:
            message = _("You already have a place at “%(title)s” at that time.") % {"title": first.display_title}
        super().__init__(message)
        self.clashes = clashes


# --- Calendar feed --------------------------------------------------------------


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_issue(*, registration: Registration) -> str:
    """A new secret token for ``registration``'s calendar feed; the previous one stops working. Only its hash is
    kept, so the link can be shown once, now."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.update_or_create(
            registration=registration, defaults={"token_hash": feed_token_hash(token), "created_at": timezone.now()}
        )
    return token


def calendar_feed_revoke(*, registration: Registration) -> None:
    CalendarFeed.objects.filter(registration=registration).delete()


def member_calendar_feed_issue(*, exhibitor: Exhibitor, user: User) -> str:
    """A new secret token for the calendar of ``user`` as a member of ``exhibitor`` (its B2B meetings and the
    sessions ``user`` speaks at); their previous one stops working. Only its hash is kept. The caller has
    checked that ``user`` is a member (``exhibitors.selectors.exhibitor_for_user``)."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        MemberCalendarFeed.objects.update_or_create(
            exhibitor=exhibitor,
            user=user,
            defaults={"token_hash": feed_token_hash(token), "created_at": timezone.now()},
        )
    return token


def member_calendar_feed_revoke(*, exhibitor: Exhibitor, user: User) -> bool:
    """Stop ``user``'s calendar link for ``exhibitor``; whether there was one."""
    deleted, _by_model = MemberCalendarFeed.objects.filter(exhibitor=exhibitor, user=user).delete()
    return bool(deleted)


# --- Session check-in -----------------------------------------------------------


@dataclass(frozen=True)
class DoorScan:
    """What a session door's scan came to: ``outcome`` is ``DoorOutcome.WELCOME``, ``ALREADY`` or ``FULL``, or the
    gate's reason (``visitors.models.Scan.Outcome``) for refusing the badge; ``attendance`` is the one that counts
    for the badge at the session (the first scan's), if any."""

    outcome: str
    badge: Badge | None = None
    attendance: Attendance | None = None


class DoorOutcome:
    WELCOME = Scan.Outcome.WELCOME.value
    ALREADY = "already"
    FULL = "full"


def _door_scan_time(scanned_at: datetime.datetime | None, now: datetime.datetime) -> datetime.datetime:
    """The door's clock, unless it is further from the server's than a gate's may be (the gate's bounds)."""
    if scanned_at is None or not (
        now - visitor_services.MAX_OFFLINE_AGE <= scanned_at <= now + visitor_services.MAX_CLOCK_AHEAD
    ):
        return now
    return scanned_at


def _rsvp_state(session: Session, badge: Badge) -> str:
    if not session.rsvp_required:
        return Attendance.RsvpState.NOT_NEEDED
    status = (
        Rsvp.objects.filter(session=session, registration_id=badge.registration_id)
        .values_list("status", flat=True)
        .first()
        if badge.registration_id
        else None
    )
    if status == Rsvp.Status.CONFIRMED:
        return Attendance.RsvpState.CONFIRMED
    if status == Rsvp.Status.WAITLISTED:
        return Attendance.RsvpState.WAITLISTED
    return Attendance.RsvpState.NONE


def _free_seats(session: Session, when: datetime.datetime) -> int:
    """Seats left for someone without a confirmed RSVP: until the session starts, the places of confirmed RSVPs
    who have not come yet are held for them; from the start, every empty seat is free."""
    present = Attendance.objects.filter(session=session)
    held = 0
    if session.rsvp_required and when < session.starts_at:
        held = (
            Rsvp.objects.filter(session=session, status=Rsvp.Status.CONFIRMED)
            .exclude(registration__badge__in=present.values("badge"))
            .count()
        )
    return session.room.capacity - present.count() - held


def attendance_record(
    *,
    session: Session,
    payload: str,
    scan_id: uuid.UUID,
    scanned_at: datetime.datetime | None = None,
    offline: bool = False,
    user: User | None = None,
    now: datetime.datetime | None = None,
) -> DoorScan:
    """Judge a badge scanned at ``session``'s door and count it there at most once. The badge is judged as the
    gates judge it (``visitors.services.badge_judge``) for the day of the scan. Someone without a confirmed RSVP to
    a session that needs one is let in and flagged; online, they are refused once no seat is free (``FULL``), but a
    door that was offline has already let them in, so their scan is recorded and marked over capacity. The same
    ``scan_id`` again is answered as the first time. Raises ``ProgrammeError`` (nothing saved) for a cancelled
    session or one not on the scan's day. ``now`` is the server's clock (tests set it)."""
    existing = Attendance.objects.select_related("badge").filter(scan_id=scan_id).first()
    if existing is not None:
        return DoorScan(outcome=DoorOutcome.WELCOME, badge=existing.badge, attendance=existing)
    now = now or timezone.now()
    when = _door_scan_time(scanned_at, now)
    zone = ZoneInfo(session.expo.time_zone)
    day = when.astimezone(zone).date()
    if session.is_cancelled:
        raise ProgrammeError(_("This session is cancelled."), field="session")
    if session.starts_at.astimezone(zone).date() != day:
        raise ProgrammeError(_("This session is not on today’s programme."), field="session")
    outcome, badge = visitor_services.badge_judge(expo_id=session.expo_id, payload=payload, day=day)
    if outcome != Scan.Outcome.WELCOME:
        return DoorScan(outcome=outcome, badge=badge)
    try:
        with transaction.atomic():
            session = _lock_session(session)
            first = Attendance.objects.filter(session=session, badge=badge).first()
            if first is not None:
                return DoorScan(outcome=DoorOutcome.ALREADY, badge=badge, attendance=first)
            rsvp = _rsvp_state(session, badge)
            full = rsvp != Attendance.RsvpState.CONFIRMED and _free_seats(session, when) <= 0
            if full and not offline:
                return DoorScan(outcome=DoorOutcome.FULL, badge=badge)
            attendance = Attendance.objects.create(
                session=session,
                badge=badge,
                scan_id=scan_id,
                scanned_at=when,
                received_at=now,
                offline=offline,
                rsvp=rsvp,
                over_capacity=full,
                scanned_by=user,
            )
    except IntegrityError:
        # The same scan uploaded at the same moment by another request: the one recorded stands.
        attendance = Attendance.objects.select_related("badge").get(scan_id=scan_id)
    return DoorScan(outcome=DoorOutcome.WELCOME, badge=badge, attendance=attendance)
