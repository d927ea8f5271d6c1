"""Session check-in: door staff scan badges at a session door (the gate page's session mode), online and offline;
attendance counted once per badge and session; no RSVP let in and flagged; a full room; who came and who did not,
for staff; and who may do none of it."""

import datetime
import json
import uuid

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from expo import roles
from programme import services
from programme.models import Attendance, Rsvp
from tests.conftest import add_to_role, staff_member
from tests.factories import (
    ExhibitorMembershipFactory,
    ExpoFactory,
    HallFactory,
    RoomFactory,
    SessionFactory,
    UserFactory,
    register_visitor,
)
from visitors import badges, keys, qr
from visitors import services as visitor_services

pytestmark = pytest.mark.django_db

SCAN = reverse("programme_door_scan")
SYNC = reverse("programme_door_sync")
SESSIONS = reverse("programme_door_sessions")
ATTENDANCE = reverse("programme_attendance")


def _local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone())


@pytest.fixture
def expo(db):
    """The current expo, open today and tomorrow."""
    today = timezone.localdate()
    return ExpoFactory(start_date=today, end_date=today + datetime.timedelta(days=1))


@pytest.fixture
def hall(expo):
    return HallFactory(expo=expo, code="H1", name="Hall 1")


def _session(expo, hall, *, day=None, seats=60, **kwargs):
    """A session all ``day`` long (today unless given) in a room of its own, so that it is on whenever the test runs."""
    day = day or expo.start_date
    return SessionFactory(
        expo=expo,
        room=RoomFactory(hall=hall, capacity=seats),
        starts_at=_local(day, 0),
        ends_at=_local(day, 23, 59),
        **kwargs,
    )


@pytest.fixture
def talk(expo, hall):
    return _session(expo, hall, title="Export readiness for SMEs")


@pytest.fixture
def workshop(expo, hall):
    return _session(expo, hall, title="Bananas in Pakistan's Bio-economy", kind="workshop", rsvp_required=True)


@pytest.fixture
def visitor(expo):
    return register_visitor(expo, full_name="Bilal Ahmed")


@pytest.fixture
def gate_staff(db):
    user = UserFactory()
    add_to_role(user, roles.GATE_STAFF)
    return user


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _scan(session, registration, **kwargs) -> dict:
    return {
        "payload": badges.badge_payload(registration.badge),
        "scan_id": str(uuid.uuid4()),
        "session": session.pk,
        **kwargs,
    }


# --- The path -------------------------------------------------------------------------


def test_door_staff_check_a_badge_in_once_and_a_second_scan_says_when(client, gate_staff, talk, visitor):
    client.force_login(gate_staff)
    body = _scan(talk, visitor)

    first = _post(client, SCAN, body)
    again = _post(client, SCAN, body)
    second = _post(client, SCAN, {**body, "scan_id": str(uuid.uuid4())})

    attendance = Attendance.objects.get()
    at = timezone.localtime(attendance.scanned_at).strftime("%H:%M")
    assert first.status_code == 200
    assert first.json() == {
        "scan_id": body["scan_id"],
        "outcome": "welcome",
        "ok": True,
        "badge": visitor.badge.number,
        "name": "Bilal Ahmed",
        "rsvp": "not_needed",
        "flagged": False,
        "message": "Welcome, Bilal Ahmed — Export readiness for SMEs",
    }
    assert again.json() == first.json()
    assert second.status_code == 200
    assert (second.json()["ok"], second.json()["outcome"]) == (True, "already")
    assert second.json()["message"] == f"Bilal Ahmed already checked in at {at}"
    assert (attendance.session, attendance.badge, attendance.scanned_by) == (talk, visitor.badge, gate_staff)
    assert (attendance.offline, attendance.rsvp, str(attendance.scan_id)) == (False, "not_needed", body["scan_id"])


def test_a_session_that_needs_rsvp_lets_in_without_one_but_flags_it(client, gate_staff, expo, workshop):
    booked = register_visitor(expo, full_name="Sana Malik")
    services.rsvp_create(session=workshop, registration=booked)
    waiting = register_visitor(expo, full_name="Usman Tariq")
    Rsvp.objects.create(session=workshop, registration=waiting, status=Rsvp.Status.WAITLISTED)
    walk_in = register_visitor(expo, full_name="Hina Aslam")
    client.force_login(gate_staff)

    answers = [_post(client, SCAN, _scan(workshop, person)).json() for person in (booked, waiting, walk_in)]

    assert [(answer["ok"], answer["rsvp"], answer["flagged"]) for answer in answers] == [
        (True, "confirmed", False),
        (True, "waitlisted", True),
        (True, "none", True),
    ]
    assert answers[0]["message"] == "Welcome, Sana Malik — Bananas in Pakistan's Bio-economy"
    assert answers[2]["message"] == (
        "Welcome, Hina Aslam — Bananas in Pakistan's Bio-economy · No RSVP: let in, flagged for the organisers"
    )
    assert dict(Attendance.objects.values_list("badge__full_name", "rsvp")) == {
        "Sana Malik": "confirmed",
        "Usman Tariq": "waitlisted",
        "Hina Aslam": "none",
    }


def test_an_offline_batch_uploaded_twice_counts_each_badge_once(client, gate_staff, expo, talk, workshop):
    people = [register_visitor(expo) for _ in range(3)]
    scanned_at = (timezone.now() - datetime.timedelta(minutes=20)).isoformat()
    scans = [_scan(talk, person, scanned_at=scanned_at) for person in people]
    # The same badge scanned twice at the door while offline, and once at another session.
    scans += [_scan(talk, people[0], scanned_at=scanned_at), _scan(workshop, people[0], scanned_at=scanned_at)]
    client.force_login(gate_staff)

    first = _post(client, SYNC, {"scans": scans})
    second = _post(client, SYNC, {"scans": scans})

    outcomes = ["welcome", "welcome", "welcome", "already", "welcome"]
    assert [result["outcome"] for result in first.json()["results"]] == outcomes
    assert [result["outcome"] for result in second.json()["results"]] == outcomes
    assert Attendance.objects.filter(session=talk).count() == 3
    assert Attendance.objects.filter(session=workshop).count() == 1
    assert Attendance.objects.filter(offline=True).count() == 4
    assert {a.scanned_at.isoformat() for a in Attendance.objects.all()} == {
        datetime.datetime.fromisoformat(scanned_at).isoformat()
    }


def test_one_attendance_per_badge_and_session_is_a_database_rule(talk, visitor):
    Attendance.objects.create(
        session=talk, badge=visitor.badge, scan_id=uuid.uuid4(), scanned_at=timezone.now(), rsvp="not_needed"
    )
    with pytest.raises(IntegrityError):
        Attendance.objects.create(
            session=talk, badge=visitor.badge, scan_id=uuid.uuid4(), scanned_at=timezone.now(), rsvp="not_needed"
        )


def test_a_full_room_holds_confirmed_places_until_the_start_and_refuses_walk_ins_online(expo, hall):
    session = SessionFactory(
        expo=expo, room=RoomFactory(hall=hall, capacity=2), rsvp_required=True, title="Financing for SMEs"
    )  # 11:00–12:00 on the first day
    booked, first, second, third = (register_visitor(expo) for _ in range(4))
    services.rsvp_create(session=session, registration=booked)
    before = session.starts_at - datetime.timedelta(minutes=30)

    def scan(person, **kwargs):
        return services.attendance_record(
            session=session, payload=badges.badge_payload(person.badge), scan_id=uuid.uuid4(), now=before, **kwargs
        )

    # Two seats, one held for the confirmed RSVP: one walk-in fits, the next is refused and nothing is saved.
    assert scan(first).outcome == "welcome"
    assert scan(second).outcome == "full"
    assert Attendance.objects.count() == 1
    # The person with a confirmed place always gets in.
    assert scan(booked).attendance.rsvp == "confirmed"
    # A door that was offline has already let someone in: recorded, and marked as over the room's seats.
    offline = scan(third, offline=True)
    assert (offline.outcome, offline.attendance.over_capacity, offline.attendance.flagged) == ("welcome", True, True)
    assert Attendance.objects.filter(over_capacity=True).get().badge == third.badge
    assert Attendance.objects.count() == 3


def test_from_the_start_every_empty_seat_is_free(expo, hall):
    session = SessionFactory(expo=expo, room=RoomFactory(hall=hall, capacity=1), rsvp_required=True)
    booked, walk_in = register_visitor(expo), register_visitor(expo)
    services.rsvp_create(session=session, registration=booked)

    result = services.attendance_record(
        session=session,
        payload=badges.badge_payload(walk_in.badge),
        scan_id=uuid.uuid4(),
        now=session.starts_at + datetime.timedelta(minutes=5),
    )

    assert (result.outcome, result.attendance.rsvp) == ("welcome", "none")


# --- Bad input -------------------------------------------------------------------------


def test_revoked_and_cancelled_badges_are_refused_for_the_gates_reasons(client, gate_staff, expo, talk, visitor):
    cancelled = register_visitor(expo, full_name="Tariq Jamil")
    visitor_services.registration_cancel(registration=cancelled)
    visitor_services.badge_revoke(badge=visitor.badge, reason="Lost, reported by the holder", by=None)
    tomorrow = register_visitor(expo, dates=[expo.start_date + datetime.timedelta(days=1)])
    client.force_login(gate_staff)

    answers = [_post(client, SCAN, _scan(talk, person)).json() for person in (visitor, cancelled, tomorrow)]

    assert [(a["ok"], a["outcome"], a["message"]) for a in answers] == [
        (False, "revoked", "Revoked badge"),
        (False, "revoked", "Revoked badge"),
        (False, "not_today", "Not registered for today"),
    ]
    assert not Attendance.objects.exists()


def test_codes_that_name_no_badge_here_are_refused_and_nothing_is_saved(client, gate_staff, expo, talk, visitor):
    other_expo = ExpoFactory(is_current=False)
    signed = keys.private_key()
    codes = {
        "unknown": qr.sign(qr.BadgeCode(expo_id=expo.pk, number="AAAAAAAA", version=1), signed),
        "wrong_expo": qr.sign(qr.BadgeCode(expo_id=other_expo.pk, number=visitor.badge.number, version=1), signed),
        "forged": qr.sign(
            qr.BadgeCode(expo_id=expo.pk, number=visitor.badge.number, version=1), qr.generate_private_key()
        ),
        "malformed": "hello",
    }
    client.force_login(gate_staff)

    answers = {
        name: _post(client, SCAN, {"payload": code, "scan_id": str(uuid.uuid4()), "session": talk.pk}).json()
        for name, code in codes.items()
    }
    odd_payloads = [
        _post(client, SCAN, {"payload": payload, "scan_id": str(uuid.uuid4()), "session": talk.pk})
        for payload in (None, 5, ["B1."], {"a": 1}, "\x00\x01")
    ]

    assert {name: (a["ok"], a["outcome"], a["message"]) for name, a in answers.items()} == {
        "unknown": (False, "unknown", "Unknown badge"),
        "wrong_expo": (False, "wrong_expo", "Badge of another expo"),
        "forged": (False, "forged", "Forged or altered code"),
        "malformed": (False, "malformed", "Not a badge code"),
    }
    assert {(r.status_code, r.json()["outcome"]) for r in odd_payloads} == {(200, "malformed")}
    assert not Attendance.objects.exists()


def test_sessions_not_on_today_or_not_this_expos_are_refused_with_a_clear_error(
    client, gate_staff, expo, hall, visitor
):
    tomorrow = _session(expo, hall, day=expo.start_date + datetime.timedelta(days=1))
    elsewhere = ExpoFactory(is_current=False)
    foreign = _session(elsewhere, HallFactory(expo=elsewhere))
    client.force_login(gate_staff)

    answers = [_post(client, SCAN, _scan(session, visitor)) for session in (tomorrow, foreign)]
    synced = _post(client, SYNC, {"scans": [_scan(tomorrow, visitor), _scan(foreign, visitor)]}).json()["results"]

    assert [(a.status_code, a.json()["error"]) for a in answers] == [
        (400, "This session is not on today’s programme."),
        (400, "Unknown session."),
    ]
    assert [result["error"] for result in synced] == ["This session is not on today’s programme.", "Unknown session."]
    assert not Attendance.objects.exists()


def test_a_cancelled_session_takes_no_check_in(client, gate_staff, expo, hall, visitor):
    cancelled = _session(expo, hall)
    services.session_cancel(session=cancelled)
    client.force_login(gate_staff)

    answer = _post(client, SCAN, _scan(cancelled, visitor))

    assert (answer.status_code, answer.json()["error"]) == (400, "This session is cancelled.")
    assert not Attendance.objects.exists()


def test_malformed_bodies_are_400_and_save_nothing(client, gate_staff, talk, visitor):
    client.force_login(gate_staff)
    body = _scan(talk, visitor)

    for odd in (
        None,
        [],
        "text",
        {"payload": "x"},
        {**body, "scan_id": "not-a-uuid"},
        {**body, "session": "x"},
        {**body, "session": 0},
        {**body, "scanned_at": "yesterday-ish"},
    ):
        response = _post(client, SCAN, odd)
        assert response.status_code == 400, odd
        assert response.json()["error"]
    assert client.post(SCAN, b"\xff\xfe{", content_type="application/json").status_code == 400
    assert _post(client, SYNC, {"scans": "x"}).status_code == 400
    assert _post(client, SYNC, {"scans": [{}] * 501}).status_code == 400
    partial = _post(client, SYNC, {"scans": [{"payload": "x"}, 7]}).json()["results"]
    assert [result["error"] for result in partial] == ["The scan is incomplete.", "A scan must be an object."]
    assert not Attendance.objects.exists()


# --- The door's list and the gate page ----------------------------------------------


def test_the_door_list_has_todays_sessions_by_room_with_rsvps_and_check_ins(
    client, gate_staff, expo, hall, talk, workshop, visitor
):
    booked, no_badge_yet = register_visitor(expo), register_visitor(expo)
    services.rsvp_create(session=workshop, registration=booked)
    services.rsvp_create(session=workshop, registration=no_badge_yet)
    no_badge_yet.badge.delete()
    _session(expo, hall, day=expo.start_date + datetime.timedelta(days=1), title="Tomorrow")
    gone = _session(expo, hall, title="Called off")
    services.session_cancel(session=gone)
    client.force_login(gate_staff)
    _post(client, SCAN, _scan(talk, visitor))

    data = client.get(SESSIONS).json()

    assert data["day"] == expo.start_date.isoformat()
    assert [session["title"] for session in data["sessions"]] == ["Export readiness for SMEs", workshop.title]
    by_title = {session["title"]: session for session in data["sessions"]}
    assert by_title[workshop.title]["rsvps"] == [booked.badge.number]
    # What an offline door needs to hold the places of confirmed RSVPs until the start, a badge or not.
    assert by_title[workshop.title]["confirmed"] == 2
    assert datetime.datetime.fromisoformat(by_title[workshop.title]["starts_at"]) == workshop.starts_at
    assert by_title[workshop.title]["rsvp_required"] is True
    assert by_title["Export readiness for SMEs"]["present"][0]["n"] == visitor.badge.number
    assert by_title["Export readiness for SMEs"]["seats"] == 60
    assert "Bilal Ahmed" not in json.dumps(data)


def test_the_gate_page_offers_the_session_mode_to_door_staff_only(client, gate_staff, expo):
    from django.contrib.auth.models import Permission

    client.force_login(gate_staff)
    page = client.get(reverse("gate")).content.decode()
    assert 'id="gate-mode"' in page
    assert all(url in page for url in (SCAN, SYNC, SESSIONS))
    assert ATTENDANCE in page

    # Someone who may scan at the gates but not at session doors sees the gate as it was.
    gate_only = UserFactory()
    add_to_role(gate_only, roles.GATE_STAFF)
    gate_only.groups.clear()
    gate_only.user_permissions.add(Permission.objects.get(codename="scan_badges"))
    client.force_login(gate_only)
    page = client.get(reverse("gate")).content.decode()
    assert 'id="gate-mode"' not in page
    assert SCAN not in page


# --- Who may not ----------------------------------------------------------------------


def _door_calls(client, talk, visitor) -> dict:
    return {
        "sessions": client.get(SESSIONS, HTTP_ACCEPT="application/json"),
        "scan": _post(client, SCAN, _scan(talk, visitor)),
        "sync": _post(client, SYNC, {"scans": [_scan(talk, visitor)]}),
        "attendance": client.get(ATTENDANCE),
        "session": client.get(reverse("programme_attendance_session", args=[talk.pk])),
        "export": client.get(reverse("programme_attendance_export", args=[talk.pk])),
    }


def test_anonymous_people_reach_nothing(client, talk, visitor):
    calls = _door_calls(client, talk, visitor)

    assert {name: r.status_code for name, r in calls.items()} == {
        "sessions": 302,
        "scan": 404,
        "sync": 404,
        "attendance": 302,
        "session": 302,
        "export": 302,
    }
    assert not Attendance.objects.exists()


def test_exhibitors_visitors_and_the_registration_desk_get_404s(client, expo, talk, visitor):
    exhibitor_member = ExhibitorMembershipFactory().user
    desk = UserFactory()
    add_to_role(desk, roles.REGISTRATION_DESK)
    for user in (exhibitor_member, UserFactory(), desk):
        client.force_login(user)
        calls = _door_calls(client, talk, visitor)
        assert {r.status_code for r in calls.values()} == {404}, user
    assert not Attendance.objects.exists()


def test_door_staff_without_an_authenticator_are_sent_to_set_one_up(client, expo, talk, visitor):
    user = UserFactory()
    add_to_role(user, roles.GATE_STAFF, mfa=False)
    client.force_login(user)

    calls = _door_calls(client, talk, visitor)

    mfa = reverse("mfa_activate_totp")
    assert {name: calls[name].status_code for name in ("sessions", "scan", "sync")} == dict.fromkeys(
        ("sessions", "scan", "sync"), 403
    )
    assert calls["scan"].json()["mfa_setup_url"] == mfa
    assert calls["attendance"].status_code == 302
    assert calls["attendance"].url.startswith(mfa)
    assert not Attendance.objects.exists()


def test_floor_managers_see_attendance_but_check_no_one_in(client, expo, talk, visitor):
    manager = UserFactory()
    add_to_role(manager, roles.FLOOR_MANAGERS)
    client.force_login(manager)

    calls = _door_calls(client, talk, visitor)

    assert {name: r.status_code for name, r in calls.items()} == {
        "sessions": 404,
        "scan": 404,
        "sync": 404,
        "attendance": 200,
        "session": 200,
        "export": 200,
    }
    assert not Attendance.objects.exists()


def test_a_session_of_another_expo_is_a_404_on_the_attendance_pages(client, gate_staff, expo):
    elsewhere = ExpoFactory(is_current=False)
    foreign = _session(elsewhere, HallFactory(expo=elsewhere))
    client.force_login(gate_staff)

    assert client.get(reverse("programme_attendance_session", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("programme_attendance_export", args=[foreign.pk])).status_code == 404


def test_the_migration_grants_door_scans_to_gate_staff_and_attendance_to_floor_managers(db):
    def codenames(role):
        return set(
            Group.objects.get(name=role)
            .permissions.filter(content_type__app_label="programme")
            .values_list("codename", flat=True)
        )

    assert {"scan_session_badges", "view_attendance"} <= codenames(roles.GATE_STAFF)
    assert "view_attendance" in codenames(roles.FLOOR_MANAGERS)
    assert "scan_session_badges" not in codenames(roles.FLOOR_MANAGERS)
    assert "scan_session_badges" not in codenames(roles.REGISTRATION_DESK)


# --- Staff see who came ---------------------------------------------------------------


def _fill(session, expo, *, present: int, absent: int) -> None:
    for n in range(present + absent):
        person = register_visitor(expo, full_name=f"Guest {session.pk}-{n}")
        services.rsvp_create(session=session, registration=person)
        if n < present:
            services.attendance_record(
                session=session, payload=badges.badge_payload(person.badge), scan_id=uuid.uuid4()
            )


def test_the_session_page_counts_and_names_who_came_and_who_did_not(client, gate_staff, expo, workshop):
    _fill(workshop, expo, present=2, absent=1)
    walk_in = register_visitor(expo, full_name="Hina Aslam")
    services.attendance_record(session=workshop, payload=badges.badge_payload(walk_in.badge), scan_id=uuid.uuid4())
    client.force_login(gate_staff)

    page = client.get(reverse("programme_attendance_session", args=[workshop.pk])).content.decode()
    day = client.get(ATTENDANCE).content.decode()
    export = client.get(reverse("programme_attendance_export", args=[workshop.pk])).content.decode("utf-8-sig")

    assert 'data-testid="checked-in">3<' in page
    assert 'data-testid="rsvps">3<' in page
    assert 'data-testid="seats">60<' in page
    absent_table = page.split('data-testid="absent"')[1]
    assert f"Guest {workshop.pk}-2" in absent_table
    assert f"Guest {workshop.pk}-0" not in absent_table
    assert "Hina Aslam" in page.split('data-testid="present"')[1].split("</table>")[0]
    row = day.split(f'href="{reverse("programme_attendance_session", args=[workshop.pk])}"')[1].split("</tr>")[0]
    assert "<td>3</td><td>3</td><td>60</td>" in "".join(row.split())
    lines = export.strip().splitlines()
    assert lines[0] == "Badge,Name,Organisation,Checked in,RSVP,Scanned offline"
    assert len(lines) == 5
    assert lines[-1].endswith(f'Guest {workshop.pk}-2,Raza Traders,,"Confirmed RSVP, absent",')


def test_the_export_neutralises_formulas(client, gate_staff, expo, talk):
    person = register_visitor(expo, full_name="=HYPERLINK(1)")
    services.attendance_record(session=talk, payload=badges.badge_payload(person.badge), scan_id=uuid.uuid4())
    client.force_login(gate_staff)

    export = client.get(reverse("programme_attendance_export", args=[talk.pk])).content.decode("utf-8-sig")

    assert "'=HYPERLINK(1)" in export


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_attendance_pages_read_a_fixed_number_of_queries_however_many_came(client, gate_staff, expo, hall):
    few, many = _session(expo, hall, rsvp_required=True), _session(expo, hall, rsvp_required=True)
    _fill(few, expo, present=1, absent=1)
    _fill(many, expo, present=6, absent=5)
    client.force_login(gate_staff)

    one = _queries(client, reverse("programme_attendance_session", args=[few.pk]))
    six = _queries(client, reverse("programme_attendance_session", args=[many.pk]))
    export_one = _queries(client, reverse("programme_attendance_export", args=[few.pk]))
    export_six = _queries(client, reverse("programme_attendance_export", args=[many.pk]))
    day_two = _queries(client, ATTENDANCE)
    for _ in range(3):
        _fill(_session(expo, hall, rsvp_required=True), expo, present=2, absent=1)
    day_five = _queries(client, ATTENDANCE)

    assert one == six
    assert export_one == export_six
    assert day_two == day_five


def test_staff_read_attendance_in_the_admin_and_add_or_change_none(client, expo, talk, visitor):
    services.attendance_record(session=talk, payload=badges.badge_payload(visitor.badge), scan_id=uuid.uuid4())
    admin_user = staff_member(is_superuser=True)
    client.force_login(admin_user)
    attendance = Attendance.objects.get()

    changelist = client.get(reverse("admin:programme_attendance_changelist"))
    change = client.get(reverse("admin:programme_attendance_change", args=[attendance.pk]))
    add = client.get(reverse("admin:programme_attendance_add"))
    post = client.post(reverse("admin:programme_attendance_change", args=[attendance.pk]), {"rsvp": "confirmed"})

    assert changelist.status_code == 200
    assert visitor.badge.number in changelist.content.decode()
    assert change.status_code == 200
    assert add.status_code == 403
    assert post.status_code == 403
    attendance.refresh_from_db()
    assert attendance.rsvp == "not_needed"
