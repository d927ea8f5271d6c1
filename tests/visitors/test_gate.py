"""Gate scans: the verdicts, once a day per badge, idempotent uploads, offline conflicts, fuzzed codes, who may."""

import base64
import datetime
import json
import random
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ExpoFactory, GateFactory, UserFactory, register_visitor
from visitors import badges, keys, qr, services
from visitors.models import Badge, CheckIn, Scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def today_expo(db):
    """An expo running today, so that visitors' days are today."""
    today = timezone.localdate()
    return ExpoFactory(start_date=today, end_date=today + datetime.timedelta(days=2))


@pytest.fixture
def visitor(today_expo):
    # Confirmed by the desk: a requested category would get a visitor's badge.
    return register_visitor(
        today_expo,
        full_name="Bilal Ahmed",
        category="investor",
        designation="Partner",
        category_confirmed_by=UserFactory(),
    )


def _scan(gate, payload, **kwargs):
    return services.scan_record(gate=gate, payload=payload, scan_id=uuid.uuid4(), **kwargs)


def test_first_scan_welcomes_second_warns(today_expo, visitor):
    gate = GateFactory(expo=today_expo, name="North")
    payload = badges.badge_payload(visitor.badge)
    first = _scan(gate, payload)
    assert (first["ok"], first["outcome"]) == (True, "welcome")
    assert first["message"] == "Welcome, Bilal Ahmed — Investor"
    second = _scan(GateFactory(expo=today_expo, name="South"), payload)
    assert (second["ok"], second["outcome"]) == (False, "already")
    at = timezone.localtime(CheckIn.objects.get().scanned_at).strftime("%H:%M")
    assert second["message"] == f"Bilal Ahmed already checked in today at {at} at gate North"
    assert CheckIn.objects.count() == 1


def test_refusals_name_their_reason(today_expo, visitor):
    gate = GateFactory(expo=today_expo)
    badge = visitor.badge
    other_expo = ExpoFactory(is_current=False)
    other = qr.sign(qr.BadgeCode(expo_id=other_expo.pk, number=badge.number, version=1), keys.private_key())
    forged = qr.sign(qr.BadgeCode(expo_id=today_expo.pk, number=badge.number, version=1), qr.generate_private_key())
    unknown = qr.sign(qr.BadgeCode(expo_id=today_expo.pk, number="AAAAAAAA", version=1), keys.private_key())
    assert _scan(gate, other)["outcome"] == "wrong_expo"
    assert _scan(gate, forged)["outcome"] == "forged"
    assert _scan(gate, "hello")["outcome"] == "malformed"
    assert _scan(gate, unknown)["outcome"] == "unknown"
    old = badges.badge_payload(badge)
    services.badge_update(badge=badge, full_name="Bilal Ahmed Khan", organisation=badge.organisation)
    assert _scan(gate, old)["outcome"] == "superseded"
    badge.refresh_from_db()
    services.badge_revoke(badge=badge, reason="Lost, reported by the holder", by=None)
    assert _scan(gate, badges.badge_payload(badge))["outcome"] == "revoked"
    assert CheckIn.objects.count() == 0


def test_visitor_is_refused_on_a_day_not_registered(today_expo):
    gate = GateFactory(expo=today_expo)
    tomorrow = today_expo.start_date + datetime.timedelta(days=1)
    registration = register_visitor(today_expo, dates=[tomorrow])
    result = _scan(gate, badges.badge_payload(registration.badge))
    assert (result["outcome"], result["message"]) == ("not_today", "Not registered for today")


def test_booth_staff_badge_opens_every_day(today_expo):
    from tests.factories import BoothStaffFactory, ExhibitorFactory

    BoothStaffFactory(exhibitor=ExhibitorFactory(expo=today_expo), full_name="Kamran Butt")
    services.badges_for_booth_staff(expo=today_expo)
    badge = Badge.objects.get(type="exhibitor")
    result = _scan(GateFactory(expo=today_expo), badges.badge_payload(badge))
    assert result["message"] == "Welcome, Kamran Butt — Exhibitor"


def test_same_scan_id_counts_once(today_expo, visitor):
    gate = GateFactory(expo=today_expo)
    scan_id = uuid.uuid4()
    payload = badges.badge_payload(visitor.badge)
    answers = [services.scan_record(gate=gate, payload=payload, scan_id=scan_id) for _ in range(3)]
    assert [answer["outcome"] for answer in answers] == ["welcome"] * 3
    assert (Scan.objects.count(), CheckIn.objects.count()) == (1, 1)


def test_offline_admission_at_two_gates_is_flagged(today_expo, visitor):
    north, south = GateFactory(expo=today_expo, name="North"), GateFactory(expo=today_expo, name="South")
    payload = badges.badge_payload(visitor.badge)
    _scan(north, payload, offline=True)
    late = _scan(south, payload, offline=True)
    assert (late["outcome"], late["conflict"]) == ("already", True)
    assert Scan.objects.filter(conflict=True).get().gate == south


def test_scan_time_far_from_now_is_replaced(today_expo, visitor):
    gate = GateFactory(expo=today_expo)
    _scan(gate, badges.badge_payload(visitor.badge), scanned_at=timezone.now() + datetime.timedelta(days=9))
    assert abs(CheckIn.objects.get().scanned_at - timezone.now()) < datetime.timedelta(minutes=1)


def _fuzzed(valid: str, other_expo_code: str, revoked_code: str, rng: random.Random):
    raw = base64.urlsafe_b64decode(valid[3:] + "==")
    yield other_expo_code
    yield revoked_code
    yield "x" * 1_000_000
    yield "B1." + "A" * 10_000
    yield valid + "A"
    yield " " + valid[:-2]
    while True:
        kind = rng.randrange(6)
        if kind == 0:
            flipped = bytearray(raw)
            flipped[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
            yield "B1." + base64.urlsafe_b64encode(bytes(flipped)).rstrip(b"=").decode()
        elif kind == 1:
            yield valid[: rng.randrange(len(valid))]
        elif kind == 2:
            yield bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))).decode("latin-1")
        elif kind == 3:
            position = rng.randrange(3, len(valid))
            yield valid[:position] + rng.choice("ABCxyz019-_") + valid[position + 1 :]
        elif kind == 4:
            yield "".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randrange(1, 150)))
        else:
            yield "B1." + base64.urlsafe_b64encode(rng.randbytes(79)).rstrip(b"=").decode()


@pytest.fixture
def fuzz_seeds(today_expo, visitor):
    """What the fuzzer mutates: a gate, a valid code, another expo's code and a revoked badge's code."""
    gate = GateFactory(expo=today_expo)
    other_code = qr.sign(
        qr.BadgeCode(expo_id=ExpoFactory(is_current=False).pk, number=visitor.badge.number, version=1),
        keys.private_key(),
    )
    revoked = register_visitor(today_expo)
    revoked_code = badges.badge_payload(revoked.badge)
    services.registration_cancel(registration=revoked)
    return gate, badges.badge_payload(visitor.badge), other_code, revoked_code


def test_ten_thousand_fuzzed_codes_none_accepted(today_expo, fuzz_seeds):
    gate, valid, other_code, revoked_code = fuzz_seeds
    rng = random.Random(20260124)
    payloads = _fuzzed(valid, other_code, revoked_code, rng)
    outcomes = {}
    for _ in range(10_000):
        payload = next(payloads)
        if payload == valid:
            continue
        verdict = services.badge_judge(expo_id=today_expo.pk, payload=payload, day=today_expo.start_date)[0]
        outcomes[verdict] = outcomes.get(verdict, 0) + 1
    assert "welcome" not in outcomes
    assert outcomes["revoked"] == 1
    assert outcomes["wrong_expo"] == 1
    assert outcomes["forged"] > 1000
    assert outcomes["malformed"] > 1000
    assert CheckIn.objects.count() == 0
    # Through the endpoint too, with the odd shapes a JSON body can take: never a server error.
    assert _scan(gate, valid)["ok"]


# --- The endpoints -----------------------------------------------------------------------


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_scan_endpoint_answers_json_and_odd_bodies_are_400(client, gate_staff, today_expo, visitor):
    gate = GateFactory(expo=today_expo)
    client.force_login(gate_staff)
    body = {"payload": badges.badge_payload(visitor.badge), "scan_id": str(uuid.uuid4()), "gate": gate.pk}
    assert _post(client, reverse("gate_scan"), body).json()["outcome"] == "welcome"
    assert _post(client, reverse("gate_scan"), {**body, "scan_id": str(uuid.uuid4())}).json()["outcome"] == "already"
    for odd in (
        None,
        [],
        "text",
        {"payload": "x"},
        {**body, "scan_id": "not-a-uuid"},
        {**body, "gate": 99999},
        {**body, "gate": "x"},
        {**body, "scanned_at": "yesterday-ish"},
    ):
        assert _post(client, reverse("gate_scan"), odd).status_code == 400
    for payload in (None, 5, ["B1."], {"a": 1}, "\x00\x01", "B1." + "\udcff" * 3):
        answer = _post(client, reverse("gate_scan"), {**body, "payload": payload, "scan_id": str(uuid.uuid4())})
        assert answer.status_code == 200
        assert answer.json()["ok"] is False
    raw = client.post(reverse("gate_scan"), b"\xff\xfe{", content_type="application/json")
    assert raw.status_code == 400


def test_a_scan_naming_another_expos_gate_is_refused_and_lets_no_one_in(client, gate_staff, today_expo, visitor):
    elsewhere = GateFactory(expo=ExpoFactory(is_current=False), name="Elsewhere")
    client.force_login(gate_staff)
    body = {"payload": badges.badge_payload(visitor.badge), "scan_id": str(uuid.uuid4()), "gate": elsewhere.pk}

    scan = _post(client, reverse("gate_scan"), body)
    sync = _post(client, reverse("gate_sync"), {"scans": [body]})

    assert (scan.status_code, scan.json()["error"]) == (400, "Unknown gate.")
    assert sync.json()["results"] == [{"scan_id": body["scan_id"], "error": "Unknown gate."}]
    assert not CheckIn.objects.exists()


def test_offline_batch_uploaded_three_times_counts_once(client, gate_staff, today_expo):
    gate = GateFactory(expo=today_expo)
    people = [register_visitor(today_expo) for _ in range(3)]
    scans = [
        {
            "payload": badges.badge_payload(person.badge),
            "scan_id": str(uuid.uuid4()),
            "gate": gate.pk,
            "scanned_at": timezone.now().isoformat(),
        }
        for person in people
    ]
    client.force_login(gate_staff)
    for _ in range(3):
        response = _post(client, reverse("gate_sync"), {"scans": scans})
        assert [result["outcome"] for result in response.json()["results"]] == ["welcome"] * 3
    assert (Scan.objects.count(), CheckIn.objects.count()) == (3, 3)
    assert Scan.objects.filter(offline=True).count() == 3
    assert _post(client, reverse("gate_sync"), {"scans": "x"}).status_code == 400
    assert _post(client, reverse("gate_sync"), {"scans": [{}] * 501}).status_code == 400
    partial = _post(client, reverse("gate_sync"), {"scans": [{"payload": "x"}, 7]}).json()["results"]
    assert all("error" in result for result in partial)


def test_day_list_has_todays_badges_and_no_secret(client, gate_staff, today_expo, visitor):
    tomorrow_only = register_visitor(today_expo, dates=[today_expo.start_date + datetime.timedelta(days=1)])
    cancelled = register_visitor(today_expo)
    services.registration_cancel(registration=cancelled)
    client.force_login(gate_staff)
    data = client.get(reverse("gate_day_list")).json()
    numbers = {badge["n"] for badge in data["badges"]}
    assert numbers == {visitor.badge.number}
    assert data["revoked"] == [cancelled.badge.number]
    assert tomorrow_only.badge.number not in numbers
    assert base64.urlsafe_b64decode(data["public_key"] + "=") == qr.public_key_raw(keys.public_key())
    private = qr.private_key_text(keys.private_key())
    assert private not in json.dumps(data)
    page = client.get(reverse("gate")).content.decode()
    assert private not in page
    assert "visitors/gate.js" in page


def test_gate_pages_need_the_gate_staff_role(client, someone, desk_staff, today_expo, visitor):
    gate = GateFactory(expo=today_expo)
    body = {"payload": badges.badge_payload(visitor.badge), "scan_id": str(uuid.uuid4()), "gate": gate.pk}
    assert client.get(reverse("gate")).status_code == 302
    assert client.get(reverse("gate_day_list")).status_code == 302
    assert _post(client, reverse("gate_scan"), body).status_code == 404
    for user in (someone, desk_staff):
        client.force_login(user)
        assert client.get(reverse("gate")).status_code == 404
        assert client.get(reverse("gate_day_list")).status_code == 404
        assert _post(client, reverse("gate_scan"), body).status_code == 404
        assert _post(client, reverse("gate_sync"), {"scans": [body]}).status_code == 404
    assert CheckIn.objects.count() == 0


def test_ten_thousand_fuzzed_codes_through_the_sync_endpoint_none_let_in(client, gate_staff, fuzz_seeds):
    gate, valid, other_code, revoked_code = fuzz_seeds
    payloads = (payload for payload in _fuzzed(valid, other_code, revoked_code, random.Random(7)) if payload != valid)
    client.force_login(gate_staff)
    outcomes = {}
    for _ in range(20):
        scans = [
            {"payload": next(payloads)[:20_000], "scan_id": str(uuid.uuid4()), "gate": gate.pk} for _ in range(500)
        ]
        response = _post(client, reverse("gate_sync"), {"scans": scans})
        assert response.status_code == 200
        for result in response.json()["results"]:
            outcomes[result["outcome"]] = outcomes.get(result["outcome"], 0) + 1
    assert sum(outcomes.values()) == 10_000
    assert "welcome" not in outcomes
    assert CheckIn.objects.count() == 0
