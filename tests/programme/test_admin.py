"""The programme in the admin: clashes refused with a clear message and nothing saved, speaker photos checked,
and who may change the programme (floor managers, the awards secretariat for sessions, not other roles)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from expo import roles
from programme.models import Session, SessionSpeaker, Speaker
from tests.conftest import staff_member
from tests.factories import RoomFactory, SessionFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _form(expo, room, starts_at: datetime.datetime, *, title="Women in export panel", speakers=()) -> dict:
    local = timezone.localtime(starts_at)
    end = local + datetime.timedelta(hours=1)
    return {
        "expo": expo.pk,
        "kind": "panel",
        "title": title,
        "title_ur": "",
        "abstract": "",
        "abstract_ur": "",
        "starts_at_0": local.strftime("%d/%m/%Y"),
        "starts_at_1": local.strftime("%H:%M"),
        "ends_at_0": end.strftime("%d/%m/%Y"),
        "ends_at_1": end.strftime("%H:%M"),
        "room": room.pk,
        "language": "en",
        "speaker_list": [speaker.pk for speaker in speakers],
        "sessionspeaker_set-TOTAL_FORMS": "0",
        "sessionspeaker_set-INITIAL_FORMS": "0",
    }


def test_floor_manager_adds_a_session_with_its_speakers(client, expo, room):
    speaker = SpeakerFactory(expo=expo)
    client.force_login(staff_member(roles.FLOOR_MANAGERS))
    starts_at = SessionFactory.build(expo=expo, room=room).starts_at

    response = client.post(reverse("admin:programme_session_add"), _form(expo, room, starts_at, speakers=[speaker]))

    assert response.status_code == 302, response.context["adminform"].form.errors
    session = Session.objects.get()
    assert (session.title, session.starts_at) == ("Women in export panel", starts_at)
    assert list(SessionSpeaker.objects.values_list("session_id", "speaker_id")) == [(session.pk, speaker.pk)]


def test_session_in_a_taken_room_gets_a_clear_message_and_is_not_saved(client, expo, room):
    taken = SessionFactory(expo=expo, room=room, title="Opening ceremony")
    client.force_login(staff_member(roles.FLOOR_MANAGERS))

    response = client.post(
        reverse("admin:programme_session_add"),
        _form(expo, room, taken.starts_at + datetime.timedelta(minutes=30)),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Opening ceremony" in errors["room"][0]
    assert Session.objects.count() == 1


def test_speaker_elsewhere_at_that_time_gets_a_clear_message(client, expo, room):
    speaker = SpeakerFactory(expo=expo, name="Sadia Rauf")
    busy = SessionFactory(expo=expo, room=room, title="Bananas in textiles")
    SessionSpeaker.objects.create(session=busy, speaker=speaker)
    client.force_login(staff_member(roles.AWARDS_SECRETARIAT))

    response = client.post(
        reverse("admin:programme_session_add"),
        _form(expo, RoomFactory(hall=room.hall), busy.starts_at, speakers=[speaker]),
    )

    assert response.status_code == 200
    assert "Sadia Rauf" in str(response.context["adminform"].form.non_field_errors())
    assert Session.objects.count() == 1


def test_cancel_action_marks_the_session_cancelled(client, expo, room):
    session = SessionFactory(expo=expo, room=room)
    client.force_login(staff_member(roles.FLOOR_MANAGERS))

    client.post(
        reverse("admin:programme_session_changelist"), {"action": "cancel_selected", "_selected_action": [session.pk]}
    )

    session.refresh_from_db()
    assert session.is_cancelled


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 80), (0, 120, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def _speaker_form(expo, photo) -> dict:
    return {
        "expo": expo.pk,
        "name": "Dr Ayesha Khan",
        "title": "",
        "organisation": "",
        "bio": "",
        "bio_ur": "",
        "photo": photo,
    }


def test_speaker_photo_is_checked_and_reencoded(client, expo, django_capture_on_commit_callbacks):
    client.force_login(staff_member(roles.FLOOR_MANAGERS))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:programme_speaker_add"),
            _speaker_form(expo, SimpleUploadedFile("me.png", _png(), content_type="image/png")),
        )

    assert response.status_code == 302
    speaker = Speaker.objects.get()
    assert speaker.photo.name.startswith("programme/speakers/")
    assert speaker.photo_thumbnail  # re-encoded by the task, which ran eagerly


def test_speaker_photo_that_is_not_an_image_is_refused(client, expo):
    client.force_login(staff_member(roles.FLOOR_MANAGERS))
    markup = SimpleUploadedFile("me.png", b"<html><script>alert(1)</script></html>", content_type="image/png")

    response = client.post(reverse("admin:programme_speaker_add"), _speaker_form(expo, markup))

    assert response.status_code == 200
    assert "photo" in response.context["adminform"].form.errors
    assert not Speaker.objects.exists()


@pytest.mark.parametrize("role", [roles.GATE_STAFF, roles.REGISTRATION_DESK, roles.NOMINATION_REVIEWERS])
def test_other_roles_may_not_add_sessions(client, expo, room, role):
    client.force_login(staff_member(role))

    assert client.get(reverse("admin:programme_session_add")).status_code == 403
    response = client.post(reverse("admin:programme_session_add"), _form(expo, room, timezone.now()))
    assert response.status_code == 403
    assert not Session.objects.exists()


def test_awards_secretariat_may_not_change_rooms(client, room):
    client.force_login(staff_member(roles.AWARDS_SECRETARIAT))

    assert client.get(reverse("admin:programme_room_change", args=[room.pk])).status_code == 200  # view only
    response = client.post(reverse("admin:programme_room_change", args=[room.pk]), {"name": "Renamed", "capacity": 1})
    assert response.status_code == 403
    room.refresh_from_db()
    assert room.name == "Seminar room A"


def test_staff_give_up_a_place_and_the_waitlist_moves_up(client, expo, room):
    from programme import services
    from programme.models import Rsvp
    from tests.factories import register_visitor

    room.capacity = 1
    room.save()
    session = SessionFactory(expo=expo, room=room, rsvp_required=True)
    holder, waiting = (
        services.rsvp_create(session=session, registration=register_visitor(expo, email=f"v{n}@example.pk"))
        for n in range(2)
    )
    client.force_login(staff_member(roles.AWARDS_SECRETARIAT))
    assert client.get(reverse("admin:programme_rsvp_changelist")).status_code == 200

    client.post(
        reverse("admin:programme_rsvp_changelist"), {"action": "cancel_selected", "_selected_action": [holder.pk]}
    )

    assert Rsvp.objects.get(pk=holder.pk).status == "cancelled"
    assert Rsvp.objects.get(pk=waiting.pk).status == "confirmed"


def test_gate_staff_cannot_see_rsvps(client, expo):
    client.force_login(staff_member(roles.GATE_STAFF))

    assert client.get(reverse("admin:programme_rsvp_changelist")).status_code == 403


def test_more_seats_in_a_room_confirm_its_waitlists_in_order(client, expo, room, django_capture_on_commit_callbacks):
    from django.core import mail

    from programme import services
    from programme.models import Rsvp
    from tests.factories import register_visitor

    room.capacity = 1
    room.save()
    session = SessionFactory(expo=expo, room=room, rsvp_required=True)
    past = SessionFactory(
        expo=expo,
        room=room,
        rsvp_required=True,
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        ends_at=timezone.now() - datetime.timedelta(hours=2),
    )
    rsvps = [
        services.rsvp_create(session=session, registration=register_visitor(expo, email=f"w{n}@example.pk"))
        for n in range(4)
    ]
    Rsvp.objects.create(session=past, registration=rsvps[1].registration, status=Rsvp.Status.WAITLISTED)
    client.force_login(staff_member(roles.FLOOR_MANAGERS))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:programme_room_change", args=[room.pk]),
            {"hall": room.hall_id, "name": room.name, "name_ur": "", "capacity": 3, "order": 0},
        )

    assert response.status_code == 302, response.content.decode()[:2000]
    statuses = [Rsvp.objects.get(pk=rsvp.pk).status for rsvp in rsvps]
    assert statuses == ["confirmed", "confirmed", "confirmed", "waitlisted"]
    assert Rsvp.objects.get(session=past).status == "waitlisted"  # a session that is over stays as it was
    assert sorted(message.to[0] for message in mail.outbox) == ["w1@example.pk", "w2@example.pk"]
