"""The public registration form, its confirmation and the signed manage link."""

import datetime
import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from expo.models import OutboundEmail
from tests.factories import ClusterFactory, ExhibitorFactory, ExpoFactory, register_visitor
from tests.support.conftest import LeadFactory
from visitors import links
from visitors.models import Badge, DayCapacity, Registration, RegistrationChange

pytestmark = pytest.mark.django_db(transaction=True)


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
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _sent_link(to: str, kind: str) -> str:
    """The path of the ``kind`` link (done, manage, confirm) in the last email sent to ``to``, as sent: the outbox
    keeps these links hidden."""
    body = [message for message in mail.outbox if message.to == [to]][-1].body
    return re.search(rf"http://testserver(/register/{kind}/[^/\s]+/)", body).group(1)


def _page(response) -> str:
    """The page without its CSRF tokens, which differ between any two responses."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_register_says_check_your_email_and_the_email_leads_to_the_confirmation(client, expo):
    cluster = ClusterFactory()
    response = client.post(reverse("register"), _form(expo, interests=[cluster.pk]))
    registration = Registration.objects.get()
    assert response.status_code == 200
    assert 'data-testid="check-email"' in response.content.decode()
    assert registration.category == "buyer"
    assert list(registration.interests.all()) == [cluster]
    assert OutboundEmail.objects.get(to="ayesha@example.pk").attachment_name.endswith(".pdf")
    done = _sent_link("ayesha@example.pk", "done")
    assert done == reverse("registration_done", args=[links.manage_token(registration)])
    assert "you are registered" in client.get(done).content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("category", ""),
        ("category", "alien"),
        ("full_name", ""),
        ("full_name", "x" * 151),
        ("email", "not-an-email"),
        ("phone", "call me"),
        ("organisation", ""),
        ("designation", ""),
        ("country", "XX"),
        ("city", ""),
        ("days", None),
        ("days", ["1999-01-01"]),
        ("interests", ["999999"]),
        ("consent", None),
    ],
)
def test_invalid_field_shows_its_error_and_saves_nothing(client, expo, field, value):
    ClusterFactory()
    response = client.post(reverse("register"), _form(expo, **{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    content = response.content.decode()
    assert f'name="{field}"' in content
    for message in response.context["form"].errors[field]:
        assert escape(message) in content
    assert Registration.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_general_public_needs_no_organisation(client, expo):
    client.post(reverse("register"), _form(expo, category="public", organisation="", designation=""))
    assert Registration.objects.get().organisation == ""


def test_closed_window_says_so_and_saves_nothing(client):
    ExpoFactory(registration_closes_at=timezone.now() - datetime.timedelta(hours=1))
    response = client.get(reverse("register"))
    assert 'data-testid="registration-closed"' in response.content.decode()
    response = client.post(reverse("register"), _form(ExpoFactory.build(year=2030)))
    assert "is not open" in response.content.decode()
    assert Registration.objects.count() == 0


def test_full_day_waitlists_and_tells_the_person(client, expo):
    DayCapacity.objects.create(expo=expo, date=expo.start_date, capacity=0)
    client.post(reverse("register"), _form(expo))
    content = client.get(_sent_link("ayesha@example.pk", "done")).content.decode()
    assert "You are on the waiting list" in content
    assert "Waiting list, number 1" in content
    assert Registration.objects.get().status == "waitlisted"


def test_the_form_answers_a_new_and_a_known_email_the_same_way(client, expo):
    register_visitor(expo, email="known@example.pk", full_name="Known Person")

    new = client.post(reverse("register"), _form(expo, email="new@example.pk"))
    known = client.post(reverse("register"), _form(expo, email="KNOWN@example.pk", full_name="Impostor"))

    assert (new.status_code, new.headers.get("Location")) == (known.status_code, known.headers.get("Location"))
    assert _page(new) == _page(known)
    assert "Known Person" not in _page(known)
    assert 'data-testid="check-email"' in _page(known)
    assert Registration.objects.count() == 2
    assert Badge.objects.count() == 2


def test_registering_again_never_rewrites_the_stored_details_until_the_address_confirms(client, expo):
    cluster = ClusterFactory()
    client.post(reverse("register"), _form(expo, category="student", organisation="LUMS", designation=""))
    owner = Registration.objects.get()
    client.post(reverse("registration_cancel", args=[links.manage_token(owner)]))

    # A stranger who knows the address registers with it, with their own details.
    client.post(
        reverse("register"),
        _form(
            expo,
            email="Ayesha@Example.pk",
            full_name="Stranger",
            phone="+92 321 0000000",
            days=[expo.end_date.isoformat()],
            interests=[cluster.pk],
        ),
    )

    owner.refresh_from_db()
    assert (owner.full_name, owner.phone, owner.category, owner.status) == (
        "Ayesha Khan",
        "+92 300 1234567",
        "student",
        "cancelled",
    )
    assert Badge.objects.get(registration=owner).revoked
    sent = [message for message in mail.outbox if message.to == ["ayesha@example.pk"]][-1]
    assert "registered again" in sent.body
    assert sent.attachments == []

    # The address's owner opens the link: the new details are shown, and nothing changes until confirmed.
    confirm = _sent_link("ayesha@example.pk", "confirm")
    page = client.get(confirm)
    owner.refresh_from_db()
    assert 'data-testid="new-details"' in page.content.decode()
    assert "Stranger" in page.content.decode()
    assert owner.full_name == "Ayesha Khan"

    confirmed = client.post(confirm, follow=True)

    owner.refresh_from_db()
    assert confirmed.redirect_chain[0][0] == reverse("registration_done", args=[links.manage_token(owner)])
    assert (owner.full_name, owner.category, owner.category_status, owner.status) == (
        "Stranger",
        "buyer",
        "requested",
        "confirmed",
    )
    assert list(owner.interests.all()) == [cluster]
    assert [day.date for day in owner.days.filter(status="confirmed")] == [expo.end_date]
    assert not Badge.objects.get(registration=owner).revoked
    assert client.post(confirm).status_code == 404  # used once
    assert 'data-testid="change-gone"' in client.get(confirm).content.decode()


def test_a_confirmation_link_expires_and_a_made_up_one_opens_nothing(client, expo):
    registration = register_visitor(expo, email="ayesha@example.pk")
    client.post(reverse("register"), _form(expo, full_name="Later"))
    confirm = _sent_link("ayesha@example.pk", "confirm")
    RegistrationChange.objects.update(created_at=timezone.now() - links.CHANGE_LINK_VALID_FOR)

    assert client.post(confirm).status_code == 404
    assert client.get(reverse("registration_change", args=["made-up"])).status_code == 404
    registration.refresh_from_db()
    assert registration.full_name == "Ali Raza"


def test_a_confirmation_after_registration_closed_changes_nothing_and_says_why(client, expo):
    registration = register_visitor(expo, email="ayesha@example.pk")
    client.post(reverse("register"), _form(expo, full_name="Later"))
    expo.registration_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    expo.save()

    response = client.post(_sent_link("ayesha@example.pk", "confirm"))

    assert response.status_code == 200
    assert "is closed" in response.content.decode()
    registration.refresh_from_db()
    assert registration.full_name == "Ali Raza"


def test_honeypot_pretends_and_saves_nothing(client, expo):
    response = client.post(reverse("register"), _form(expo, website="http://spam.example"))
    assert 'data-testid="check-email"' in response.content.decode()
    assert Registration.objects.count() == 0


@override_settings(EXPO_REGISTRATION_RATE_PER_HOUR=3)
def test_rate_limit_per_address(client, expo):
    for number in range(3):
        client.post(reverse("register"), _form(expo, email=f"p{number}@example.pk"))
    response = client.post(reverse("register"), _form(expo, email="p4@example.pk"))
    assert response.status_code == 429
    assert Registration.objects.count() == 3
    other = client.post(reverse("register"), _form(expo, email="p5@example.pk"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200
    assert Registration.objects.filter(email="p5@example.pk").exists()


def test_register_page_in_urdu(client, expo):
    client.cookies["django_language"] = "ur"
    response = client.get(reverse("register"))
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()


def test_manage_link_changes_days_downloads_and_cancels(client, expo):
    registration = register_visitor(expo, dates=[expo.start_date])
    token = links.manage_token(registration)
    url = reverse("registration_manage", args=[token])
    assert "Badge " + registration.badge.number in client.get(url).content.decode()
    response = client.post(url, {"days": [expo.end_date.isoformat()]})
    assert response.status_code == 302
    assert list(registration.days.filter(status="confirmed").values_list("date", flat=True)) == [expo.end_date]
    pdf = client.get(reverse("registration_badge", args=[token]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    client.post(reverse("registration_cancel", args=[token]))
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert client.get(reverse("registration_badge", args=[token])).status_code == 404


def test_manage_change_to_no_day_is_refused(client, expo):
    registration = register_visitor(expo)
    response = client.post(reverse("registration_manage", args=[links.manage_token(registration)]), {"days": []})
    assert "days" in response.context["form"].errors
    assert registration.days.get().status == "confirmed"


def test_after_registration_closes_the_manage_link_drops_days_but_adds_none(client, expo):
    registration = register_visitor(expo, dates=[expo.start_date, expo.end_date])
    expo.registration_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    expo.save()
    url = reverse("registration_manage", args=[links.manage_token(registration)])

    adding = client.post(url, {"days": [day.isoformat() for day in expo.days]})
    dropping = client.post(url, {"days": [expo.start_date.isoformat()]})

    assert adding.context["form"].non_field_errors() == [
        "Registration has closed: you can drop days, but not add them."
    ]
    assert dropping.status_code == 302
    days = dict(registration.days.values_list("date", "status"))
    assert days == {expo.start_date: "confirmed", expo.end_date: "cancelled"}


def test_manage_link_leads_a_visitor_scanned_at_a_stall_to_their_contacts_with_exhibitors(client, expo):
    registration = register_visitor(expo)
    LeadFactory(exhibitor=ExhibitorFactory(nomination__expo=expo, name="Hilal Surgical"), registration=registration)
    token = links.manage_token(registration)
    contacts = reverse("visitor_leads", args=[token])

    page = client.get(reverse("registration_manage", args=[token])).content.decode()

    assert f'href="{contacts}"' in page
    assert "Hilal Surgical" in client.get(contacts).content.decode()


def test_manage_link_of_one_registration_cannot_open_another(client, expo):
    mine = register_visitor(expo, full_name="Owner Person")
    theirs = register_visitor(expo, full_name="Other Person")
    token = links.manage_token(mine)
    _value, signature = token.split(":")
    forged = f"{theirs.manage_token.hex}:{signature}"
    for bad in (forged, theirs.manage_token.hex, token[:-1] + ("A" if token[-1] != "A" else "B"), "nothing"):
        assert client.get(reverse("registration_manage", args=[bad])).status_code == 404
        assert client.get(reverse("registration_badge", args=[bad])).status_code == 404
        assert client.post(reverse("registration_cancel", args=[bad])).status_code == 404
        assert client.get(reverse("registration_done", args=[bad])).status_code == 404
    assert "Other Person" not in client.get(reverse("registration_manage", args=[token])).content.decode()
    theirs.refresh_from_db()
    assert theirs.status == "confirmed"


def test_desk_needs_the_desk_role(client, expo, desk_staff, someone):
    url = reverse("desk_register")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(someone)
    assert client.get(url).status_code == 404
    client.force_login(desk_staff)
    response = client.post(url, _form(expo, email="walkin@example.pk"))
    assert response["Content-Type"] == "application/pdf"
    assert Registration.objects.get().source == "desk"


def test_the_desk_prints_no_badge_for_an_email_already_registered_or_a_full_day(client, expo, desk_staff):
    register_visitor(expo, email="known@example.pk", full_name="Known Person")
    DayCapacity.objects.create(expo=expo, date=expo.start_date, capacity=2)  # Known Person holds one place
    register_visitor(expo, dates=[expo.start_date])  # and someone else the other
    client.force_login(desk_staff)
    url = reverse("desk_register")

    known = client.post(url, _form(expo, email="known@example.pk", full_name="Somebody Else"))
    full = client.post(url, _form(expo, email="late@example.pk", days=[expo.start_date.isoformat()]))

    assert known.context["form"].errors["email"] == [
        "known@example.pk is already registered, as Known Person; the badge was emailed to them again."
    ]
    assert full.context["form"].errors["days"][0].endswith("is on the waiting list.")
    assert Registration.objects.get(email="known@example.pk").full_name == "Known Person"
    assert Registration.objects.get(email="late@example.pk").status == "waitlisted"
