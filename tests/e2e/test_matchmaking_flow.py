"""Flow 4 end to end in a real browser with a real Celery worker: a buyer from Kenya registers on a phone, the
registration desk confirms the category, the buyer takes part from the manage link, fills the profile, is suggested
two surgical instrument makers with the reason and asks both for a meeting; one accepts and the other declines,
each signed in; the matchmaking desk runs the scheduler, previews and publishes; both agendas show the meeting,
the calendar file has its Asia/Karachi time, and the reminder before the meeting is emailed once."""

import datetime
import re
import time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from expo import roles
from matchmaking.models import Meeting, MeetingReminder, MeetingRequest, SchedulerRun
from matchmaking.tasks import send_reminders
from tests.conftest import add_to_role, totp_code
from tests.e2e.test_visitor_registration_to_gate import wait_for_email, worker_emails
from tests.factories import (
    PASSWORD,
    ClusterFactory,
    ExhibitorFactory,
    ExhibitorMembershipFactory,
    ExhibitorProductFactory,
    ExpoFactory,
    SectorFactory,
    SlotFactory,
    StaffFactory,
    TableFactory,
)
from visitors.models import Registration

KARACHI = ZoneInfo("Asia/Karachi")
PHONE = {"width": 390, "height": 844}
BUYER = "wanjiku@nairobi-med.example.ke"


def _meeting_start() -> datetime.datetime:
    """A slot starting in 25 minutes, so that the reminder 30 minutes before is due when the journey ends, and
    today in Karachi (the evening-before reminder is then past)."""
    now = timezone.now().astimezone(KARACHI).replace(second=0, microsecond=0)
    last_of_today = now.replace(hour=23, minute=58)
    return min(now + datetime.timedelta(minutes=25), last_of_today)


def _sign_in(page, user, *, code: bool = False) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    if code:
        page.fill("input[name=code]", totp_code(user))
        page.get_by_role("button", name="Sign In").click()
    expect(page.locator("input[name=password]")).to_have_count(0)


def _answer(page, exhibitor, meeting_request: MeetingRequest, *, accept: bool) -> None:
    """An exhibitor member opens the B2B meetings of their dashboard and answers the buyer's request."""
    page.goto(f"/exhibitor/{exhibitor.pk}/")
    page.get_by_role("link", name="B2B meetings").click()
    page.get_by_role("navigation", name="Matchmaking pages").get_by_role("link", name="Requests").click()
    row = page.get_by_test_id(f"mm-request-{meeting_request.pk}")
    expect(row).to_contain_text("Nairobi Medical Supplies")
    expect(row.get_by_test_id("mm-contact")).to_have_count(0)  # not before the meeting is agreed
    if accept:
        row.get_by_role("button", name="Accept").click()
        expect(page.get_by_test_id(f"mm-request-{meeting_request.pk}")).to_contain_text("Accepted")
        expect(page.get_by_test_id(f"mm-request-{meeting_request.pk}").get_by_test_id("mm-contact")).to_contain_text(
            BUYER
        )
    else:
        row.get_by_role("link", name="Decline").click()
        page.select_option("#id_reason", "no_capacity")
        page.get_by_role("button", name="Decline").click()
        expect(page.get_by_test_id(f"mm-request-{meeting_request.pk}")).to_contain_text("Declined")


@pytest.mark.django_db(transaction=True)
def test_a_buyer_registers_on_a_phone_and_gets_a_meeting_on_both_agendas(
    page, browser, live_server, celery_worker, console
):
    start = _meeting_start()
    expo = ExpoFactory(start_date=start.date(), end_date=start.date() + datetime.timedelta(days=2))
    slot = SlotFactory(expo=expo, start=start, end=start + datetime.timedelta(minutes=30))
    TableFactory(expo=expo, number=7)
    sialkot = ClusterFactory(sector=SectorFactory(name="Surgical instruments", slug="surgical-instruments"))
    hilal = ExhibitorFactory(
        nomination__expo=expo,
        nomination__cluster=sialkot,
        name="Hilal Surgical",
        slug="hilal",
        public_email="sales@hilal.example.pk",
    )
    daska = ExhibitorFactory(nomination__expo=expo, nomination__cluster=sialkot, name="Daska Steel", slug="daska")
    ExhibitorProductFactory(exhibitor=hilal, name="Dissecting forceps")
    ExhibitorProductFactory(exhibitor=daska, name="Needle holders")
    hilal_member = ExhibitorMembershipFactory(exhibitor=hilal, user__email="sales@hilal.example.pk").user
    daska_member = ExhibitorMembershipFactory(exhibitor=daska, user__email="export@daska.example.pk").user
    desk = StaffFactory(full_name="Hina Desk")
    add_to_role(desk, roles.REGISTRATION_DESK)
    add_to_role(desk, roles.MATCHMAKING_DESK, mfa=False)

    # The buyer registers on a phone, as a corporate buyer: the category waits for the desk.
    page.set_viewport_size(PHONE)
    page.goto("/register/")
    page.select_option("#id_category", "buyer")
    page.fill("#id_full_name", "Wanjiku Otieno")
    page.fill("#id_email", BUYER)
    page.fill("#id_phone", "+254 712 345678")
    page.fill("#id_organisation", "Nairobi Medical Supplies")
    page.fill("#id_designation", "Head of procurement")
    page.select_option("#id_country", "KE")
    page.fill("#id_city", "Nairobi")
    page.get_by_label(start.strftime("%A %-d %B")).check()
    page.get_by_label(re.compile("I agree that my details")).check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_test_id("check-email")).to_be_visible()
    registration = Registration.objects.get(email=BUYER)
    assert registration.category_status == "requested"
    manage = re.search(r"(http://\S+/register/manage/\S+/)", _text(wait_for_email(celery_worker, BUYER))).group(1)
    page.goto(manage)
    expect(page.get_by_test_id("matchmaking-link")).to_have_count(0)

    # The registration desk confirms the category in the admin, signed in with its authenticator.
    staff = browser.new_context(base_url=live_server.url).new_page()
    _sign_in(staff, desk, code=True)
    staff.goto("/admin/visitors/registration/?category_status__exact=requested")
    staff.locator(f"input[name=_selected_action][value='{registration.pk}']").check()
    staff.select_option("select[name=action]", "confirm_category_selected")
    staff.get_by_role("button", name="Go").click()
    expect(staff.locator(".messagelist")).to_contain_text("1 category confirmed.")

    # The buyer takes part from the manage link and fills the profile.
    page.goto(manage)
    page.get_by_test_id("matchmaking-link").click()
    page.get_by_test_id("mm-join").get_by_role("link", name="Take part").click()
    expect(page.locator("#id_organisation")).to_have_value("Nairobi Medical Supplies")
    page.fill("#id_product_keywords", "surgical instruments, dissecting forceps, needle holders")
    page.fill("#id_hs_codes", "9018.90")
    page.fill("#id_target_markets", "Kenya, Uganda")
    page.fill("#id_languages", "English, Swahili")
    page.get_by_test_id("mm-profile-form").get_by_role("checkbox", name="Surgical instruments", exact=True).check()
    page.get_by_role("button", name="Take part").click()
    expect(page.get_by_test_id("mm-overview")).to_be_visible()

    # The worker works out whom the buyer should meet; the buyer asks both makers in one click, each with its reason.
    nav = page.get_by_role("navigation", name="Matchmaking pages")
    nav.get_by_role("link", name="Suggested").click()
    _reload_until_visible(page, page.get_by_test_id("mm-suggestions"))
    for name, product in (("Hilal Surgical", "dissecting forceps"), ("Daska Steel", "needle holders")):
        row = page.get_by_test_id("mm-suggestions").get_by_role("listitem").filter(has_text=name)
        expect(row.get_by_test_id("mm-reason")).to_contain_text(re.compile(product, re.IGNORECASE))
        row.get_by_role("button", name=f"Ask for a meeting {name}").click()
        expect(page.locator(".alert-success")).to_contain_text(f"Your request to {name} is sent")
    nav.get_by_role("link", name="Requests").click()
    expect(page.get_by_test_id("mm-requests")).to_contain_text("Hilal Surgical")
    expect(page.get_by_test_id("mm-requests")).to_contain_text("Daska Steel")
    to_hilal = MeetingRequest.objects.get(receiver__exhibitor=hilal)
    to_daska = MeetingRequest.objects.get(receiver__exhibitor=daska)
    assert (to_hilal.priority, to_hilal.status, to_daska.priority, to_daska.status) == (
        "would",
        "pending",
        "would",
        "pending",
    )

    # Each exhibitor's member signs in: one accepts, the other declines with a reason.
    for exhibitor, member, accept, meeting_request in (
        (hilal, hilal_member, True, to_hilal),
        (daska, daska_member, False, to_daska),
    ):
        exhibitor_page = browser.new_context(base_url=live_server.url).new_page()
        _sign_in(exhibitor_page, member)
        _answer(exhibitor_page, exhibitor, meeting_request, accept=accept)
        if accept:
            hilal_page = exhibitor_page
        else:
            exhibitor_page.context.close()
    page.reload()
    expect(page.get_by_test_id(f"mm-request-{to_hilal.pk}")).to_contain_text("Accepted")
    expect(page.get_by_test_id(f"mm-request-{to_daska.pk}")).to_contain_text("Reason: We cannot take on more")

    # The matchmaking desk runs the scheduler on the worker, watches the progress, previews and publishes.
    staff.goto("/staff/matchmaking/")
    staff.get_by_role("button", name="Run the scheduler").click()
    expect(staff.get_by_role("button", name="Publish")).to_be_visible(timeout=90_000)
    expect(staff.get_by_test_id("run-value")).to_contain_text("2 / 2")
    assert not Meeting.objects.exists()
    staff.get_by_role("button", name="Publish").click()
    expect(staff.get_by_test_id("run-summary")).to_contain_text("Published")
    assert SchedulerRun.objects.get().status == "published"
    meeting = Meeting.objects.get()
    assert (meeting.request_id, meeting.slot_id, meeting.table.number) == (to_hilal.pk, slot.pk, 7)

    # Both agendas show the meeting: who, when, where, and now the other side's contact.
    when = start.strftime("%H:%M")
    published = _email_about(celery_worker, BUYER, "Your B2B meetings at")
    agenda_url = re.search(r"(http://\S+/matchmaking/\S+/agenda/)", _text(published)).group(1)
    page.goto(agenda_url)
    item = page.get_by_test_id(f"mm-meeting-{to_hilal.pk}")
    expect(item).to_contain_text("Hilal Surgical")
    expect(item).to_contain_text(when)
    expect(item).to_contain_text("Table 7, B2B lounge")
    expect(item.get_by_test_id("mm-contact")).to_contain_text(hilal.public_email)
    expect(page.get_by_test_id("mm-agenda")).not_to_contain_text("Daska Steel")
    hilal_page.get_by_role("navigation", name="Matchmaking pages").get_by_role("link", name="Agenda").click()
    exhibitor_item = hilal_page.get_by_test_id(f"mm-meeting-{to_hilal.pk}")
    expect(exhibitor_item).to_contain_text("Nairobi Medical Supplies")
    expect(exhibitor_item).to_contain_text(when)
    expect(exhibitor_item.get_by_test_id("mm-contact")).to_contain_text(BUYER)

    # The calendar file parses, in Asia/Karachi time.
    ics = page.request.get(page.get_by_test_id("mm-ics").get_attribute("href"))
    assert ics.ok
    [event] = Calendar.from_ical(ics.body()).walk("VEVENT")
    starts = event.decoded("dtstart")
    assert starts == start
    assert (starts.astimezone(KARACHI).hour, starts.astimezone(KARACHI).minute) == (start.hour, start.minute)
    assert starts.utcoffset() == datetime.timedelta(hours=5)
    assert "Hilal Surgical" in str(event["summary"])
    assert "Table 7" in str(event["location"])

    # Beat's reminder task, on the worker: the reminder 30 minutes before goes once, and a second run sends none.
    send_reminders.delay()
    reminder = _email_about(celery_worker, BUYER, "your B2B meeting with Hilal Surgical")
    assert reminder["Subject"] == f"Today at {when}: your B2B meeting with Hilal Surgical"
    _email_about(celery_worker, "sales@hilal.example.pk", "your B2B meeting with Nairobi Medical Supplies")
    assert send_reminders.apply().get() == 0
    assert MeetingReminder.objects.count() == 2
    assert len([m for m in worker_emails(celery_worker, BUYER) if "your B2B meeting with" in m["Subject"]]) == 1
    assert console == []


def _reload_until_visible(page, locator, timeout: float = 90.0) -> None:
    """Reload the page until ``locator`` shows: what the worker computes in the background is not pushed."""
    deadline = time.monotonic() + timeout
    while not locator.is_visible():
        assert time.monotonic() < deadline, f"{locator} did not show"
        time.sleep(1)
        page.reload()


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def _email_about(mail_dir, to: str, words: str, timeout: float = 90.0):
    """The first email the worker sent ``to`` whose subject has ``words``, waited for."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in worker_emails(mail_dir, to):
            if words in message["Subject"]:
                return message
        time.sleep(0.3)
    raise AssertionError(f"the worker sent {to} no email about {words!r}")
