"""An exhibitor asks SMEDA for support from its dashboard, sees its requests' status and nobody else's."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from expo.models import Province
from support import services
from support.models import Kind, SupportNote, SupportRequest
from tests.support.conftest import SupportRequestFactory

pytestmark = pytest.mark.django_db

DESCRIPTION = "Our German buyer asks for ISO 13485 before the next order of forceps."


def _ask(client, exhibitor, **data):
    payload = {"kind": Kind.CERTIFICATION, "description": DESCRIPTION, **data}
    return client.post(reverse("support_exhibitor_new", args=[exhibitor.pk]), payload)


def test_exhibitor_asks_from_the_dashboard_and_the_request_is_routed(client, exhibitor, exhibitor_member, teams):
    client.force_login(exhibitor_member)
    dashboard = client.get(reverse("exhibitor_dashboard", args=[exhibitor.pk])).content.decode()
    support_url = reverse("support_exhibitor", args=[exhibitor.pk])
    assert f'href="{support_url}"' in dashboard
    assert "You have not asked for support yet." in client.get(support_url).content.decode()

    response = _ask(client, exhibitor)

    support_request = SupportRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("support_exhibitor_request", args=[exhibitor.pk, support_request.pk])
    assert (support_request.exhibitor, support_request.enterprise) == (exhibitor, exhibitor.enterprise)
    assert (support_request.kind, support_request.province) == (Kind.CERTIFICATION, Province.PUNJAB)
    assert support_request.status == SupportRequest.Status.NEW
    assert support_request.team == teams["certification"]
    assert support_request.due_on == timezone.localdate() + datetime.timedelta(days=15)
    assert support_request.created_by == exhibitor_member
    page = client.get(response["Location"]).content.decode()
    assert "Quality and certification" in page
    assert DESCRIPTION in page
    assert ">New<" in page


def test_request_from_sindh_goes_to_the_regional_office_by_its_rule(client, other_exhibitor, other_member, teams):
    client.force_login(other_member)
    _ask(client, other_exhibitor)
    _ask(client, other_exhibitor, kind=Kind.DIGITAL_ONBOARDING)

    routed = dict(SupportRequest.objects.values_list("kind", "team__name"))
    assert routed == {Kind.CERTIFICATION: "Sindh regional office", Kind.DIGITAL_ONBOARDING: "Business support desk"}
    digital = SupportRequest.objects.get(kind=Kind.DIGITAL_ONBOARDING)
    assert digital.due_on == timezone.localdate() + datetime.timedelta(days=20)


def test_request_without_a_matching_rule_waits_unrouted(client, exhibitor, exhibitor_member):
    client.force_login(exhibitor_member)
    _ask(client, exhibitor)
    support_request = SupportRequest.objects.get()
    assert (support_request.team, support_request.due_on) == (None, None)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": ""}, "kind", "This field is required."),
        ({"kind": "astrology"}, "kind", "Select a valid choice. astrology is not one of the available choices."),
        ({"description": "help"}, "description", "Please describe what you need in at least 20 characters."),
        ({"description": ""}, "description", "This field is required."),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_saved(
    client, exhibitor, exhibitor_member, teams, data, field, message
):
    client.force_login(exhibitor_member)
    response = _ask(client, exhibitor, **data)
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert f'id="error_1_id_{field}"' in response.content.decode()
    assert not SupportRequest.objects.exists()
    assert not SupportNote.objects.exists()


def test_exhibitor_sees_only_its_own_requests(
    client, exhibitor, exhibitor_member, colleague, other_exhibitor, other_member
):
    own = SupportRequestFactory(exhibitor=exhibitor, description="Our own request about halal certification.")
    theirs = SupportRequestFactory(exhibitor=other_exhibitor, description="A secret request about bank finance.")
    own_url = reverse("support_exhibitor_request", args=[exhibitor.pk, own.pk])

    client.force_login(colleague)
    listing = client.get(reverse("support_exhibitor", args=[exhibitor.pk])).content.decode()
    assert f"#{own.pk}<" in listing
    assert f"#{theirs.pk}<" not in listing
    assert client.get(own_url).status_code == 200

    client.force_login(other_member)
    assert client.get(own_url).status_code == 404
    assert client.get(reverse("support_exhibitor", args=[exhibitor.pk])).status_code == 404
    assert client.get(reverse("support_exhibitor_new", args=[exhibitor.pk])).status_code == 404
    # Their own exhibitor's page with another exhibitor's request id is a 404 too.
    assert client.get(reverse("support_exhibitor_request", args=[other_exhibitor.pk, own.pk])).status_code == 404
    assert _ask(client, exhibitor).status_code == 404
    assert SupportRequest.objects.count() == 2

    client.logout()
    response = client.get(own_url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_exhibitor_sees_shared_history_but_not_staff_notes(client, exhibitor, exhibitor_member, officer):
    support_request = SupportRequestFactory(exhibitor=exhibitor)
    services.support_note_add(request=support_request, text="Internal: the buyer is slow to pay.", by=officer)
    services.support_request_status_set(
        request=support_request,
        status=SupportRequest.Status.IN_PROGRESS,
        note="An adviser will visit your factory on Monday.",
        by=officer,
        site_url="http://testserver/",
    )
    client.force_login(exhibitor_member)
    page = client.get(reverse("support_exhibitor_request", args=[exhibitor.pk, support_request.pk])).content.decode()
    assert "An adviser will visit your factory on Monday." in page
    assert "In progress" in page
    assert "the buyer is slow to pay" not in page


def test_exhibitor_list_makes_as_many_queries_for_many_requests_as_for_one(
    client, exhibitor, exhibitor_member, teams, django_assert_num_queries
):
    client.force_login(exhibitor_member)
    url = reverse("support_exhibitor", args=[exhibitor.pk])
    SupportRequestFactory(exhibitor=exhibitor, team=teams["finance"])
    client.get(url)  # warm the session and the site shell's caches
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    SupportRequestFactory.create_batch(4, exhibitor=exhibitor, team=teams["certification"])
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["requests"]) == 5
