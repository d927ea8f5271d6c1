"""Privileged categories (buyers, investors, banks, delegates, media) are declared by the person and only
requested until the registration desk confirms them: their badge is a visitor's until then."""

import re
import uuid

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from expo.models import OutboundEmail
from tests.conftest import staff_member
from tests.factories import GateFactory, register_visitor
from visitors import badges, links, services
from visitors.models import Badge, Registration

pytestmark = pytest.mark.django_db(transaction=True)

REGISTRATIONS = reverse("admin:visitors_registration_changelist")


def _change_token() -> str:
    """The token of the confirmation link in the last email sent (the outbox stores the link hidden)."""
    return re.search(r"/register/confirm/([^/\s]+)/", mail.outbox[-1].body).group(1)


def _form(expo, **overrides):
    data = {
        "category": "buyer",
        "full_name": "Ayesha Khan",
        "email": "ayesha@example.pk",
        "phone": "+92 300 1234567",
        "organisation": "Metro Cash & Carry",
        "designation": "Procurement manager",
        "country": "PK",
        "city": "Lahore",
        "days": [expo.start_date.isoformat()],
        "consent": "on",
        "website": "",
    }
    return data | overrides


def test_a_buyer_registering_online_is_requested_with_a_visitors_badge_and_told_so(client, expo):
    client.post(reverse("register"), _form(expo))

    registration = Registration.objects.get()
    badge = registration.badge
    assert (registration.category, registration.category_status) == ("buyer", "requested")
    assert (badge.type, badge.category) == ("visitor", "")
    assert "registration desk confirms this category" in mail.outbox[-1].body
    done = client.get(reverse("registration_done", args=[links.manage_token(registration)])).content.decode()
    assert 'data-testid="category-requested"' in done


def test_a_category_that_needs_no_confirmation_gets_its_badge_at_once(client, expo):
    client.post(reverse("register"), _form(expo, category="student", organisation="LUMS", designation=""))

    registration = Registration.objects.get()
    assert (registration.category_status, registration.badge.type, registration.badge.category) == (
        "",
        "visitor",
        "student",
    )


def test_the_desk_confirms_a_requested_category_in_the_admin_and_the_new_badge_is_emailed(client, expo, desk_admin):
    buyer = register_visitor(expo, category="buyer", full_name="Ayesha Khan", designation="Manager")
    student = register_visitor(expo, category="student", full_name="Sana Malik")
    client.force_login(desk_admin)

    queue = client.get(REGISTRATIONS, {"category_status__exact": "requested"})
    done = client.post(
        REGISTRATIONS,
        {"action": "confirm_category_selected", "_selected_action": [buyer.pk, student.pk]},
        follow=True,
    )

    assert [row.pk for row in queue.context["cl"].result_list] == [buyer.pk]
    buyer.refresh_from_db()
    assert (buyer.category_status, buyer.category_decided_by) == ("confirmed", desk_admin)
    badge = Badge.objects.get(registration=buyer)
    assert (badge.type, badge.category, badge.version) == ("buyer", "buyer", 2)
    email = OutboundEmail.objects.filter(to=buyer.email).order_by("pk").last()
    assert "has confirmed your category" in email.body_text
    assert email.attachment_name == f"badge-{badge.number}.pdf"
    student.refresh_from_db()
    assert student.category_status == ""  # needs no confirmation: left alone, and said so
    page = done.content.decode()
    assert "1 category confirmed." in page
    assert "Sana Malik: Student needs no confirmation." in page


def test_the_desk_refuses_a_requested_category_and_the_badge_stays_a_visitors(client, expo, desk_admin):
    media = register_visitor(expo, category="media", organisation="Unknown blog")
    client.force_login(desk_admin)

    client.post(REGISTRATIONS, {"action": "refuse_category_selected", "_selected_action": [media.pk]})

    media.refresh_from_db()
    assert media.category_status == "refused"
    badge = Badge.objects.get(registration=media)
    assert (badge.type, badge.category, badge.version) == ("visitor", "", 1)
    assert (
        "could not confirm your category"
        in OutboundEmail.objects.filter(to=media.email).order_by("pk").last().body_text
    )


def test_a_category_that_needs_no_confirmation_cannot_be_decided(expo):
    student = register_visitor(expo, category="student")
    with pytest.raises(services.RegistrationError, match="needs no confirmation"):
        services.registration_category_decide(registration=student, confirm=True, by=None)
    assert Registration.objects.get(pk=student.pk).category_status == ""


def test_a_walk_in_registered_at_the_desk_has_the_category_confirmed_by_the_desk(client, expo, desk_staff):
    client.force_login(desk_staff)

    response = client.post(reverse("desk_register"), _form(expo, email="walkin@example.pk") | {"category": "investor"})

    assert response["Content-Type"] == "application/pdf"
    registration = Registration.objects.get()
    assert (registration.category_status, registration.category_decided_by) == ("confirmed", desk_staff)
    assert registration.badge.type == "investor"


def test_changing_to_a_privileged_category_by_registering_again_requests_it_again(client, expo):
    investor = register_visitor(expo, category="investor", designation="Partner")
    services.registration_category_decide(registration=investor, confirm=True, by=None)
    client.post(reverse("register"), _form(expo, email=investor.email, category="media", organisation="Dawn"))
    client.post(reverse("registration_change", args=[_change_token()]))

    investor.refresh_from_db()
    assert (investor.category, investor.category_status, investor.category_decided_by) == ("media", "requested", None)
    assert investor.badge.type == "visitor"


def test_staff_who_may_only_view_registrations_cannot_decide_a_category(client, expo):
    buyer = register_visitor(expo, category="buyer", designation="Manager")
    viewer = staff_member()
    viewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="visitors", codename="view_registration")
    )
    client.force_login(viewer)

    page = client.get(REGISTRATIONS).content.decode()
    client.post(REGISTRATIONS, {"action": "confirm_category_selected", "_selected_action": [buyer.pk]})

    assert 'value="confirm_category_selected"' not in page
    assert Registration.objects.get(pk=buyer.pk).category_status == "requested"
    assert Badge.objects.get(registration=buyer).type == "visitor"


def test_an_anonymous_visitor_or_a_signed_in_outsider_cannot_reach_the_desk_queue(client, expo, someone):
    register_visitor(expo, category="buyer", designation="Manager", full_name="Hidden Buyer")
    anonymous = client.get(REGISTRATIONS)
    client.force_login(someone)
    outsider = client.get(REGISTRATIONS)

    assert anonymous.status_code == outsider.status_code == 302  # to the admin's sign-in
    assert "Hidden Buyer" not in anonymous.content.decode() + outsider.content.decode()


def test_a_requested_buyer_checked_in_counts_as_a_buyer_in_the_numbers(client, running_expo, desk_staff):
    buyer = register_visitor(running_expo, category="buyer", designation="Manager")
    gate = GateFactory(expo=running_expo)
    outcome = services.scan_record(gate=gate, payload=badges.badge_payload(buyer.badge), scan_id=uuid.uuid4())
    client.force_login(desk_staff)

    numbers = client.get(reverse("visitor_numbers")).context["numbers"]

    assert outcome["message"] == "Welcome, Ali Raza — Visitor"
    assert [(row["key"], row["registered"], row["checked_in"]) for row in numbers["by_category"]] == [("buyer", 1, 1)]
