"""Flow 3 end to end in a real browser: a visitor registers, a real Celery worker on Redis emails the badge PDF,
its QR code is read from the rendered PDF, and gate staff scan it: welcome, then a warning; offline too."""

import datetime
import email
import email.policy
import json
import re
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from expo import roles
from programme.models import Attendance
from tests.conftest import add_to_role, totp_code
from tests.factories import (
    PASSWORD,
    ClusterFactory,
    ExpoFactory,
    GateFactory,
    HallFactory,
    RoomFactory,
    SectorFactory,
    SessionFactory,
    UserFactory,
    register_visitor,
)
from tests.visitors.qrdecode import qr_payloads
from visitors import badges
from visitors.models import CheckIn, Registration, Scan


def worker_emails(mail_dir, to: str) -> list[email.message.EmailMessage]:
    found = []
    for path in sorted(mail_dir.glob("*.log")):
        for raw in re.split(rb"\n-{79}\n", path.read_bytes()):
            if raw.strip():
                message = email.message_from_bytes(raw.strip(), policy=email.policy.default)
                if message["To"] == to:
                    found.append(message)
    return found


def wait_for_email(mail_dir, to: str, timeout: float = 60.0) -> email.message.EmailMessage:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = worker_emails(mail_dir, to)
        if found:
            return found[0]
        time.sleep(0.3)
    raise AssertionError(f"the worker sent no email to {to}")


def badge_attachment(message) -> bytes:
    parts = [part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert len(parts) == 1
    return parts[0].get_content()


def sign_in_gate_staff(page):
    user = UserFactory()
    add_to_role(user, roles.GATE_STAFF)
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.fill("input[name=code]", totp_code(user))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/gate/")  # gate staff sign in straight to the gate
    expect(page.locator(f"#gate[data-list='{timezone.localdate().isoformat()}']")).to_be_attached()
    expect(page.get_by_test_id("gate-status")).to_have_text("Online")
    return user


def scan(page, payload: str) -> None:
    page.get_by_test_id("gate-input").fill(payload)
    page.get_by_test_id("gate-input").press("Enter")


@pytest.mark.django_db(transaction=True)
def test_a_registered_visitor_is_emailed_a_badge_that_opens_the_gate_once(page, browser, live_server, celery_worker):
    today = timezone.localdate()
    expo = ExpoFactory(start_date=today, end_date=today + datetime.timedelta(days=2))
    ClusterFactory(sector=SectorFactory(name="Surgical instruments"), city="Sialkot")
    GateFactory(expo=expo, name="North")

    page.goto("/")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Register to visit").click()
    page.select_option("#id_category", "trade_visitor")
    page.fill("#id_full_name", "Zainab Qureshi")
    page.fill("#id_email", "zainab@example.pk")
    page.fill("#id_phone", "+92 321 7654321")
    page.fill("#id_organisation", "Qureshi Exports")
    page.fill("#id_city", "Karachi")
    page.get_by_label(today.strftime("%A %-d %B")).check()
    page.locator("summary", has_text="Clusters I am interested in").click()
    page.locator("summary", has_text="Surgical instruments").click()
    page.get_by_label("Sialkot").check()
    page.get_by_label(re.compile("I agree that my details")).check()
    page.get_by_role("button", name="Register").click()
    # The form tells no one whether the address was known: what happened is in the email.
    expect(page.get_by_test_id("check-email")).to_be_visible()

    # The worker renders the badge, then emails it; the QR code in the PDF carries the signed code.
    message = wait_for_email(celery_worker, "zainab@example.pk")
    assert message["Subject"] == f"Your badge for {expo.name}"
    pdf = badge_attachment(message)
    registration = Registration.objects.get(email="zainab@example.pk")
    payload = badges.badge_payload(registration.badge)
    assert qr_payloads(pdf) == [payload]
    text = message.get_body(("plain",)).get_content()
    done = re.search(r"(http://\S+/register/done/\S+/)", text).group(1)
    manage = re.search(r"(http://\S+/register/manage/\S+/)", text).group(1)
    visitor = browser.new_context(base_url=live_server.url).new_page()
    visitor.goto(done)
    expect(visitor.get_by_test_id("done-heading")).to_have_text("Thank you, Zainab Qureshi: you are registered")
    expect(visitor.get_by_test_id("registration-days")).to_contain_text("Confirmed")
    visitor.goto(manage)
    expect(visitor.get_by_test_id("download-badge")).to_be_visible()

    # Gate staff scan it: welcome, and a second scan warns with the time and the gate.
    sign_in_gate_staff(page)
    scan(page, payload)
    expect(page.get_by_test_id("gate-result")).to_have_text("Welcome, Zainab Qureshi — Trade visitor")
    expect(page.get_by_test_id("gate-result")).to_have_class(re.compile("welcome"))
    scan(page, payload)
    expect(page.get_by_test_id("gate-result")).to_contain_text("Zainab Qureshi already checked in today at")
    expect(page.get_by_test_id("gate-result")).to_contain_text("at gate North")
    expect(page.get_by_test_id("gate-result")).to_have_class(re.compile("refused"))
    scan(page, payload[:-4] + "AAAA")
    expect(page.get_by_test_id("gate-result")).to_have_text("Forged or altered code")
    assert CheckIn.objects.count() == 1
    assert len(worker_emails(celery_worker, "zainab@example.pk")) == 1


@pytest.mark.django_db(transaction=True)
def test_gate_keeps_scanning_offline_and_uploads_once_back_online(page, live_server):
    today = timezone.localdate()
    expo = ExpoFactory(start_date=today, end_date=today + datetime.timedelta(days=2))
    GateFactory(expo=expo, name="South")
    # A press badge the registration desk confirmed.
    guest = register_visitor(
        expo, full_name="Omar Farooq", category="media", organisation="Dawn", category_confirmed_by=UserFactory()
    )
    tomorrow = register_visitor(expo, full_name="Hina Aslam", dates=[today + datetime.timedelta(days=1)])
    cancelled = register_visitor(expo, full_name="Tariq Jamil")
    from visitors import services

    services.registration_cancel(registration=cancelled)
    day = datetime.datetime.combine(today, datetime.time(0), tzinfo=timezone.get_default_timezone())
    workshop = SessionFactory(
        expo=expo,
        room=RoomFactory(hall=HallFactory(expo=expo), name="Seminar room A"),
        title="Financing for SMEs",
        rsvp_required=True,
        starts_at=day,
        ends_at=day + datetime.timedelta(hours=23, minutes=59),
    )

    sign_in_gate_staff(page)
    page.context.set_offline(True)
    scan(page, badges.badge_payload(guest.badge))
    expect(page.get_by_test_id("gate-result")).to_have_text("Welcome, Omar Farooq — Media")
    expect(page.get_by_test_id("gate-status")).to_contain_text("Offline")
    scan(page, badges.badge_payload(guest.badge))
    expect(page.get_by_test_id("gate-result")).to_contain_text("Omar Farooq already checked in today at")
    scan(page, badges.badge_payload(tomorrow.badge))
    expect(page.get_by_test_id("gate-result")).to_have_text("Not registered for today")
    scan(page, badges.badge_payload(cancelled.badge))
    expect(page.get_by_test_id("gate-result")).to_have_text("Revoked badge")
    payload = badges.badge_payload(guest.badge)
    scan(page, payload[:20] + ("B" if payload[20] != "B" else "C") + payload[21:])
    expect(page.get_by_test_id("gate-result")).to_have_text("Forged or altered code")
    expect(page.get_by_test_id("gate-queue")).to_have_text("5")
    assert Scan.objects.count() == 0

    page.context.set_offline(False)
    expect(page.get_by_test_id("gate-queue")).to_have_text("0", timeout=20_000)
    checkin = CheckIn.objects.get()
    assert checkin.badge == guest.badge
    assert checkin.gate.name == "South"
    assert Scan.objects.filter(offline=True).count() == 5

    # The same page at a session door: offline, the guest without an RSVP is let in and flagged, and the scan is
    # uploaded once back online; scanned again, the door says since when they are in.
    page.get_by_test_id("gate-mode").select_option("session")
    page.get_by_test_id("door-session").select_option(str(workshop.pk))
    page.context.set_offline(True)
    scan(page, badges.badge_payload(guest.badge))
    expect(page.get_by_test_id("gate-result")).to_have_text(
        "Welcome, Omar Farooq — Financing for SMEs · No RSVP: let in, flagged for the organisers"
    )
    expect(page.get_by_test_id("gate-result")).to_have_class(re.compile("unchecked"))
    expect(page.get_by_test_id("gate-queue")).to_have_text("1")
    page.context.set_offline(False)
    expect(page.get_by_test_id("gate-queue")).to_have_text("0", timeout=20_000)
    attendance = Attendance.objects.get()
    assert (attendance.session, attendance.badge, attendance.offline, attendance.rsvp) == (
        workshop,
        guest.badge,
        True,
        "none",
    )
    scan(page, badges.badge_payload(guest.badge))
    expect(page.get_by_test_id("gate-result")).to_contain_text("Omar Farooq already checked in at")
    assert Attendance.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_offline_without_a_day_list_a_scan_is_amber_not_green(page, live_server):
    today = timezone.localdate()
    expo = ExpoFactory(start_date=today, end_date=today)
    GateFactory(expo=expo, name="South")
    guest = register_visitor(expo, full_name="Omar Farooq", category="media", dates=[today])

    sign_in_gate_staff(page)
    page.evaluate("localStorage.removeItem('expo-gate-day-list')")
    page.context.set_offline(True)
    scan(page, badges.badge_payload(guest.badge))

    expect(page.get_by_test_id("gate-result")).to_have_class(re.compile("unchecked"))
    expect(page.get_by_test_id("gate-result")).to_contain_text("check their papers")
    expect(page.get_by_test_id("gate-queue")).to_have_text("1")
    page.context.set_offline(False)
    expect(page.get_by_test_id("gate-queue")).to_have_text("0", timeout=20_000)
    assert CheckIn.objects.get().badge == guest.badge


@pytest.mark.django_db(transaction=True)
def test_signing_out_forgets_the_day_list_but_keeps_scans_still_to_upload(page, live_server):
    today = timezone.localdate()
    expo = ExpoFactory(start_date=today, end_date=today)
    GateFactory(expo=expo, name="South")
    register_visitor(expo, full_name="Omar Farooq", category="media", dates=[today])
    sign_in_gate_staff(page)
    assert "Omar Farooq" in page.evaluate("localStorage.getItem('expo-gate-day-list')")
    assert page.evaluate("localStorage.getItem('expo-gate-local-checkins')") is not None

    page.get_by_role("link", name="Sign out").click()
    # A scan made offline and not yet uploaded, as the gate page leaves it in the queue.
    page.evaluate("""localStorage.setItem('expo-gate-queue', '[{"scan_id": "waiting", "payload": "code"}]')""")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))

    assert page.evaluate("localStorage.getItem('expo-gate-day-list')") is None
    assert page.evaluate("localStorage.getItem('expo-gate-local-checkins')") is None
    assert json.loads(page.evaluate("localStorage.getItem('expo-gate-queue')"))[0]["scan_id"] == "waiting"
