"""Registrations, capacity, the waitlist and its promotion, through the services."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from expo import services as core
from expo.celery import app
from expo.models import OutboundEmail
from tests.factories import ExpoFactory, register_visitor
from tests.visitors.qrdecode import qr_payloads
from visitors import badges, links, services
from visitors.models import Badge, DayCapacity, Registration, RegistrationChange, RegistrationDay

# Real commits: emails and PDFs are made after the commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def _day_status(registration, date):
    return RegistrationDay.objects.get(registration=registration, date=date).status


def test_registration_confirms_days_with_room_and_issues_one_badge(expo):
    registration = register_visitor(expo, dates=expo.days)
    assert registration.status == Registration.Status.CONFIRMED
    assert [day.status for day in registration.days.order_by("date")] == ["confirmed"] * 3
    badge = Badge.objects.get(registration=registration)
    assert (badge.type, badge.full_name, badge.version, badge.revoked) == ("visitor", "Ali Raza", 1, False)
    assert len(badge.number) == 8


def test_registration_email_carries_the_badge_pdf(expo):
    mail.outbox.clear()
    registration = register_visitor(expo, email="Sara@Example.PK")
    email = OutboundEmail.objects.get(to="sara@example.pk")
    assert email.template == "visitor_registration"
    assert email.attachment == f"visitors.badge:{registration.badge.pk}"
    assert (email.status, email.attachment_name) == ("sent", f"badge-{registration.badge.number}.pdf")
    assert "http://testserver/register/manage/" in mail.outbox[-1].body
    [(filename, content, mimetype)] = mail.outbox[-1].attachments
    assert (filename, mimetype) == (f"badge-{registration.badge.number}.pdf", "application/pdf")
    assert qr_payloads(content) == [badges.badge_payload(registration.badge)]


def test_full_day_waitlists_and_says_so(expo):
    day = expo.start_date
    DayCapacity.objects.create(expo=expo, date=day, capacity=1)
    first = register_visitor(expo)
    second = register_visitor(expo, dates=[day, expo.end_date])
    third = register_visitor(expo)
    assert first.status == "confirmed"
    assert _day_status(second, day) == "waitlisted"
    assert _day_status(second, expo.end_date) == "confirmed"
    assert second.status == "confirmed"
    assert third.status == "waitlisted"
    email = OutboundEmail.objects.get(to=third.email)
    assert "waiting list" in email.subject
    assert (email.attachment, email.attachment_name) == ("", "")


def test_category_cap_waitlists_that_category_only(expo):
    day = expo.start_date
    DayCapacity.objects.create(expo=expo, date=day, category="public", capacity=1)
    register_visitor(expo, category="public", organisation="")
    public = register_visitor(expo, category="public", organisation="")
    trade = register_visitor(expo)
    assert (public.status, trade.status) == ("waitlisted", "confirmed")


def test_cancel_promotes_the_waitlist_in_order(expo):
    day = expo.start_date
    DayCapacity.objects.create(expo=expo, date=day, capacity=1)
    holder = register_visitor(expo)
    waiting = [register_visitor(expo) for _ in range(3)]
    services.registration_cancel(registration=holder)
    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == ["confirmed", "waitlisted", "waitlisted"]
    assert Badge.objects.get(registration=holder).revoked
    promoted_email = OutboundEmail.objects.filter(to=waiting[0].email).order_by("pk").last()
    assert "a place opened" in promoted_email.body_text
    assert promoted_email.attachment_name.endswith(".pdf")
    services.registration_change_days(registration=waiting[0], dates=[expo.end_date])
    assert [Registration.objects.get(pk=r.pk).status for r in waiting[1:]] == ["confirmed", "waitlisted"]


def test_same_email_again_changes_nothing_and_emails_the_stored_address_a_link(expo):
    first = register_visitor(expo, email="amna@example.pk")
    again, created = services.registration_create(
        expo=expo,
        category="student",
        full_name="Someone Else",
        email="AMNA@example.pk",
        phone="+92 300 7654321",
        organisation="LUMS",
        country="PK",
        city="Lahore",
        dates=[expo.end_date],
    )
    assert (again.pk, created) == (first.pk, False)
    assert Registration.objects.count() == 1
    assert Badge.objects.count() == 1
    first.refresh_from_db()
    assert (first.full_name, first.category, first.organisation) == ("Ali Raza", "trade_visitor", "Raza Traders")
    assert [day.date for day in first.days.filter(status="confirmed")] == [expo.start_date]
    emails = list(OutboundEmail.objects.filter(to="amna@example.pk").order_by("pk"))
    assert len(emails) == 2
    assert "registered again" in emails[1].body_text
    assert emails[1].attachment_name == emails[0].attachment_name  # the stored registration's badge
    change = RegistrationChange.objects.get()
    token = re.search(r"http://testserver/register/confirm/([^/]+)/", mail.outbox[-1].body).group(1)
    assert change.token_hash == links.change_token_hash(token) != token  # the link is not stored readable


def test_closed_window_refuses_online_but_not_the_desk():
    expo = ExpoFactory(registration_closes_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(services.RegistrationError, match="closed"):
        register_visitor(expo)
    assert register_visitor(expo, source="desk").status == "confirmed"
    assert Registration.objects.count() == 1


def test_days_outside_the_expo_are_refused(expo):
    with pytest.raises(services.RegistrationError):
        register_visitor(expo, dates=[expo.end_date + datetime.timedelta(days=1)])
    with pytest.raises(services.RegistrationError):
        register_visitor(expo, dates=[])
    assert Registration.objects.count() == 0


def test_badge_update_raises_the_version_and_renders_again(expo):
    registration = register_visitor(expo)
    badge = Badge.objects.get(registration=registration)
    old_pdf = badge.pdf.name
    services.badge_update(badge=badge, full_name="Ali Raza Khan", organisation="Raza Traders")
    badge.refresh_from_db()
    assert (badge.version, badge.pdf_version) == (2, 2)
    assert badge.pdf.name != old_pdf


def test_booth_staff_edited_by_their_exhibitor_get_their_badges_brought_up_to_date(expo):
    from exhibitors import services as exhibitor_services
    from tests.factories import BoothStaffFactory, ExhibitorFactory
    from visitors.tasks import sync_booth_staff_badges

    exhibitor = ExhibitorFactory(expo=expo)
    kamran = BoothStaffFactory(exhibitor=exhibitor, full_name="Kamran Butt")
    assert sync_booth_staff_badges() == (1, 0)
    data = {"full_name": "Kamran Ahmed Butt", "designation": "Sales", "id_number": kamran.id_number, "email": ""}
    exhibitor_services.booth_staff_save(exhibitor=exhibitor, person=kamran, data=data)
    exhibitor_services.booth_staff_save(
        exhibitor=exhibitor,
        person=None,
        data={"full_name": "Sana Butt", "designation": "", "id_number": "35202-7654321-2", "email": ""},
    )

    assert sync_booth_staff_badges() == (1, 1)
    assert sync_booth_staff_badges() == (0, 0)

    badges = {b.full_name: b for b in Badge.objects.filter(type="exhibitor")}
    assert sorted(badges) == ["Kamran Ahmed Butt", "Sana Butt"]
    assert (badges["Kamran Ahmed Butt"].version, badges["Kamran Ahmed Butt"].pdf_version) == (2, 2)


def test_booth_staff_get_badges_once(expo):
    from tests.factories import BoothStaffFactory, ExhibitorFactory

    exhibitor = ExhibitorFactory(expo=expo)
    BoothStaffFactory(exhibitor=exhibitor, full_name="Kamran Butt")
    BoothStaffFactory(exhibitor=exhibitor, full_name="Nadia Butt")
    assert services.badges_for_booth_staff(expo=expo) == 2
    assert services.badges_for_booth_staff(expo=expo) == 0
    badges = Badge.objects.filter(type="exhibitor").order_by("full_name")
    assert [(b.full_name, b.organisation, b.all_days) for b in badges] == [
        ("Kamran Butt", exhibitor.name, True),
        ("Nadia Butt", exhibitor.name, True),
    ]
    assert all(b.pdf_is_current for b in badges)


def test_registering_again_after_cancelling_brings_the_same_badge_back_once_the_address_confirms(expo):
    first = register_visitor(expo, email="back@example.pk")
    services.registration_cancel(registration=first)
    again, created = services.registration_create(
        expo=expo,
        category="media",
        full_name="Back Again",
        email="back@example.pk",
        phone="+92 300 1234567",
        organisation="Dawn",
        country="PK",
        city="Lahore",
        dates=[expo.end_date],
    )
    assert (again.pk, created) == (first.pk, False)
    again.refresh_from_db()
    assert (again.status, again.full_name) == ("cancelled", "Ali Raza")
    assert Badge.objects.get(registration=again).revoked

    services.registration_change_confirm(change=RegistrationChange.objects.get())

    again.refresh_from_db()
    assert (again.status, again.full_name, again.category_status) == ("confirmed", "Back Again", "requested")
    badge = Badge.objects.get(registration=again)
    # Media is requested, not granted: a visitor's badge until the desk confirms it.
    assert (badge.revoked, badge.version, badge.full_name, badge.type) == (False, 2, "Back Again", "visitor")
    assert RegistrationChange.objects.count() == 0
    assert badge.pdf_is_current
    last = OutboundEmail.objects.filter(to="back@example.pk").order_by("pk").last()
    assert last.attachment_name == f"badge-{badge.number}.pdf"


def _queue_without_sending(queue) -> OutboundEmail:
    """Queue an email on the broker, where no worker takes it: the test delivers it itself."""
    app.conf.task_always_eager = False
    try:
        queue()
    finally:
        app.conf.task_always_eager = True
    return OutboundEmail.objects.order_by("pk").last()


def test_a_badge_email_carries_the_badge_as_it_is_when_the_email_goes_out(expo):
    registration = register_visitor(expo, full_name="Ali Raza")
    email = _queue_without_sending(lambda: services.registration_email_again(registration=registration))
    badge = services.badge_update(
        badge=Badge.objects.get(registration=registration), full_name="Ali Raza Khan", organisation="Raza Traders"
    )
    mail.outbox.clear()

    core.email_deliver(email_id=email.pk, final_attempt=True)

    email.refresh_from_db()
    assert (email.status, email.attachment_name) == ("sent", f"badge-{badge.number}.pdf")
    [(_filename, content, _mimetype)] = mail.outbox[-1].attachments
    assert badge.version == 2
    assert qr_payloads(content) == [badges.badge_payload(badge)]  # the renamed badge, not the one queued


def test_a_badge_email_whose_badge_is_gone_goes_out_without_it(expo):
    registration = register_visitor(expo)
    email = _queue_without_sending(lambda: services.registration_email_again(registration=registration))
    Registration.objects.filter(pk=registration.pk).delete()
    mail.outbox.clear()

    core.email_deliver(email_id=email.pk, final_attempt=True)

    email.refresh_from_db()
    assert (email.status, email.attachment_name) == ("sent", "")
    assert mail.outbox[-1].attachments == []
