"""Meeting requests: browse, ask, accept, decline, withdraw; the cap and bad input; emails; contacts; isolation."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expo.models import OutboundEmail
from matchmaking.models import MeetingRequest
from tests.factories import (
    ExhibitorFactory,
    ExhibitorParticipantFactory,
    ExpoFactory,
    MatchmakingSettingsFactory,
    MeetingRequestFactory,
    VisitorParticipantFactory,
    confirmed_buyer,
)
from visitors import links

pytestmark = pytest.mark.django_db


def visitor_url(participant, name, *args):
    return reverse(f"mm_visitor_{name}", args=[links.manage_token(participant.registration), *args])


def exhibitor_url(participant, name, *args):
    return reverse(f"mm_exhibitor_{name}", args=[participant.exhibitor.pk, *args])


def ask(client, url, target: str, **data):
    return client.post(f"{url}?{target}", {"priority": "must", "message": "We import scissors to Nairobi.", **data})


# --- The path a buyer and an exhibitor take ------------------------------------------------------------------


def test_buyer_asks_an_exhibitor_who_accepts_and_both_see_each_others_contact_only_then(
    client, buyer, exhibitor, member, django_capture_on_commit_callbacks
):
    browse = client.get(visitor_url(buyer, "browse")).content.decode()
    assert "Hilal Surgical" in browse

    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, visitor_url(buyer, "ask"), f"exhibitor={exhibitor.pk}")

    assert response.status_code == 302
    request = MeetingRequest.objects.get()
    assert (request.sender, request.receiver.exhibitor, request.priority, request.status) == (
        buyer,
        exhibitor,
        "must",
        "pending",
    )
    assert [message.to for message in mail.outbox] == [["owner@hilal.example.pk"]]
    assert "Nairobi Med Supplies asks you for a B2B meeting" in mail.outbox[0].subject
    # Before the answer, neither side sees the other's contact details.
    client.force_login(member)
    page = client.get(exhibitor_url(request.receiver, "requests")).content.decode()
    assert "We import scissors to Nairobi." in page
    assert "wanjiru@nairobi-med.example.ke" not in page
    assert "Wanjiru Kamau" not in page
    visitor_page = client.get(visitor_url(buyer, "requests")).content.decode()
    assert "sales@hilal.example.pk" not in visitor_page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(exhibitor_url(request.receiver, "request_decide", request.pk, "accept"))

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "accepted"
    assert mail.outbox[-1].to == ["wanjiru@nairobi-med.example.ke"]
    assert "Hilal Surgical accepted your meeting request" in mail.outbox[-1].subject
    # The visitor's email carries their secret link; the stored copy does not.
    link = visitor_url(buyer, "requests")
    assert link in mail.outbox[-1].body
    assert (
        link
        not in OutboundEmail.objects.get(template="matchmaking_request", to="wanjiru@nairobi-med.example.ke").body_text
    )
    page = client.get(exhibitor_url(request.receiver, "requests")).content.decode()
    assert "wanjiru@nairobi-med.example.ke" in page
    assert "Wanjiru Kamau" in page
    visitor_page = client.get(visitor_url(buyer, "requests")).content.decode()
    assert "sales@hilal.example.pk" in visitor_page


def test_exhibitor_declines_with_a_reason_and_the_buyer_is_told_it(
    client, buyer, exhibitor_participant, member, django_capture_on_commit_callbacks
):
    request = MeetingRequestFactory(sender=buyer, receiver=exhibitor_participant)
    client.force_login(member)
    url = exhibitor_url(exhibitor_participant, "request_decide", request.pk, "decline")
    assert client.get(url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "no_capacity"})

    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decline_reason) == ("declined", "no_capacity")
    assert mail.outbox[-1].to == ["wanjiru@nairobi-med.example.ke"]
    assert "We cannot take on more business now" in mail.outbox[-1].body
    page = client.get(visitor_url(buyer, "requests")).content.decode()
    assert "sales@hilal.example.pk" not in page


def test_decline_without_a_reason_is_refused_and_changes_nothing(client, buyer, exhibitor_participant, member):
    request = MeetingRequestFactory(sender=buyer, receiver=exhibitor_participant)
    client.force_login(member)

    response = client.post(
        exhibitor_url(exhibitor_participant, "request_decide", request.pk, "decline"), {"reason": ""}
    )

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    request.refresh_from_db()
    assert request.status == "pending"
    assert not OutboundEmail.objects.filter(template="matchmaking_request").exists()


def test_sender_withdraws_and_the_receivers_members_are_told(
    client, buyer, exhibitor_participant, member, django_capture_on_commit_callbacks
):
    request = MeetingRequestFactory(sender=buyer, receiver=exhibitor_participant)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(visitor_url(buyer, "request_decide", request.pk, "withdraw"))

    request.refresh_from_db()
    assert request.status == "withdrawn"
    assert mail.outbox[-1].to == ["owner@hilal.example.pk"]


def test_receiver_cannot_withdraw_and_sender_cannot_accept(client, buyer, exhibitor_participant, member):
    request = MeetingRequestFactory(sender=buyer, receiver=exhibitor_participant)
    client.force_login(member)

    client.post(exhibitor_url(exhibitor_participant, "request_decide", request.pk, "withdraw"))
    client.post(visitor_url(buyer, "request_decide", request.pk, "accept"))

    request.refresh_from_db()
    assert request.status == "pending"
    assert not OutboundEmail.objects.filter(template="matchmaking_request").exists()


def test_exhibitor_asks_a_buyer_and_another_exhibitor(client, member, exhibitor_participant, buyer, other_exhibitor):
    client.force_login(member)
    page = client.get(exhibitor_url(exhibitor_participant, "browse") + "?side=visitors").content.decode()
    assert "Nairobi Med Supplies" in page
    # Public profile fields only: the person's name and address stay hidden.
    assert "Wanjiru Kamau" not in page
    assert "wanjiru@nairobi-med.example.ke" not in page

    ask(client, exhibitor_url(exhibitor_participant, "ask"), f"participant={buyer.pk}")
    ask(
        client,
        exhibitor_url(exhibitor_participant, "ask"),
        f"exhibitor={other_exhibitor.pk}",
        message="Subcontracting?",
    )

    sent = MeetingRequest.objects.filter(sender=exhibitor_participant).order_by("pk")
    assert [(r.receiver.organisation, r.receiver.kind) for r in sent] == [
        ("Nairobi Med Supplies", "visitor"),
        ("Zahra Sports", "exhibitor"),
    ]


# --- Bad input -------------------------------------------------------------------------------------------------


def test_request_to_oneself_is_refused(client, member, exhibitor_participant):
    client.force_login(member)

    response = ask(
        client, exhibitor_url(exhibitor_participant, "ask"), f"exhibitor={exhibitor_participant.exhibitor.pk}"
    )

    assert response.status_code == 200
    assert "You cannot ask yourself for a meeting." in response.content.decode()
    assert not MeetingRequest.objects.exists()


def test_request_to_an_exhibitor_of_another_expo_is_refused(client, buyer):
    elsewhere = ExhibitorFactory(nomination__expo=ExpoFactory(is_current=False), name="Far Away Looms")

    response = ask(client, visitor_url(buyer, "ask"), f"exhibitor={elsewhere.pk}")

    assert response.status_code == 200
    assert "This exhibitor is not at this expo." in response.content.decode()
    assert not MeetingRequest.objects.exists()


def test_request_past_the_cap_is_refused(client, expo, buyer):
    MatchmakingSettingsFactory(expo=expo, request_cap=2)
    exhibitors = [ExhibitorFactory(nomination__expo=expo) for _ in range(3)]
    for exhibitor in exhibitors[:2]:
        assert ask(client, visitor_url(buyer, "ask"), f"exhibitor={exhibitor.pk}").status_code == 302

    response = ask(client, visitor_url(buyer, "ask"), f"exhibitor={exhibitors[2].pk}")

    assert response.status_code == 200
    assert "You have sent the 2 requests allowed; withdraw one to send another." in response.content.decode()
    assert MeetingRequest.objects.count() == 2
    # A withdrawn request no longer counts.
    client.post(visitor_url(buyer, "request_decide", MeetingRequest.objects.first().pk, "withdraw"))
    assert ask(client, visitor_url(buyer, "ask"), f"exhibitor={exhibitors[2].pk}").status_code == 302


def test_duplicate_request_either_way_is_refused(client, member, buyer, exhibitor_participant):
    MeetingRequestFactory(sender=buyer, receiver=exhibitor_participant)
    client.force_login(member)

    again = ask(client, visitor_url(buyer, "ask"), f"exhibitor={exhibitor_participant.exhibitor.pk}")
    back = ask(client, exhibitor_url(exhibitor_participant, "ask"), f"participant={buyer.pk}")

    for response in (again, back):
        assert response.status_code == 200
        assert "A request between you and" in response.content.decode()
    assert MeetingRequest.objects.count() == 1


def test_bad_priority_and_a_too_long_message_are_refused(client, buyer, exhibitor):
    response = ask(client, visitor_url(buyer, "ask"), f"exhibitor={exhibitor.pk}", priority="urgent", message="x" * 501)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"priority", "message"}
    assert not MeetingRequest.objects.exists()


def test_visitor_cannot_ask_another_visitor(client, buyer, other_buyer):
    response = client.get(visitor_url(buyer, "ask") + f"?participant={other_buyer.pk}")

    assert response.status_code == 404


# --- Isolation ---------------------------------------------------------------------------------------------------


def test_buyer_sees_only_their_own_requests(client, buyer, other_buyer, exhibitor_participant):
    mine = MeetingRequestFactory(sender=buyer, receiver=exhibitor_participant, message="Mine")
    theirs = MeetingRequestFactory(sender=other_buyer, receiver=exhibitor_participant, message="Secret plan of Baku")

    page = client.get(visitor_url(buyer, "requests")).content.decode()

    assert "Mine" in page
    assert "Secret plan of Baku" not in page
    assert client.post(visitor_url(buyer, "request_decide", theirs.pk, "withdraw")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "pending"
    assert mine.status == "pending"


def test_exhibitor_sees_only_its_own_requests(client, member, outsider, buyer, exhibitor_participant, other_exhibitor):
    other_participant = ExhibitorParticipantFactory(exhibitor=other_exhibitor)
    mine = MeetingRequestFactory(sender=buyer, receiver=exhibitor_participant, message="For Hilal")
    MeetingRequestFactory(sender=buyer, receiver=other_participant, message="For Zahra only")
    client.force_login(member)

    page = client.get(exhibitor_url(exhibitor_participant, "requests")).content.decode()
    assert "For Hilal" in page
    assert "For Zahra only" not in page

    client.force_login(outsider)
    assert client.post(exhibitor_url(other_participant, "request_decide", mine.pk, "accept")).status_code == 404
    assert client.get(exhibitor_url(exhibitor_participant, "requests")).status_code == 404
    mine.refresh_from_db()
    assert mine.status == "pending"


def test_another_buyers_link_does_not_open_my_requests(client, buyer, other_buyer, exhibitor_participant):
    request = MeetingRequestFactory(sender=buyer, receiver=exhibitor_participant)

    assert client.post(visitor_url(other_buyer, "request_decide", request.pk, "withdraw")).status_code == 404
    request.refresh_from_db()
    assert request.status == "pending"


# --- Query counts ------------------------------------------------------------------------------------------------


def test_requests_page_query_count_does_not_grow_with_requests(client, expo, buyer):
    def exhibitor_request(status):
        MeetingRequestFactory(
            sender=buyer, receiver=ExhibitorParticipantFactory(exhibitor__nomination__expo=expo), status=status
        )

    exhibitor_request("accepted")
    url = visitor_url(buyer, "requests")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for status in ("accepted", "pending", "declined", "accepted"):
        exhibitor_request(status)
    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(few.captured_queries) == len(many.captured_queries)


def test_browse_pages_query_count_does_not_grow_with_participants(client, expo, member, exhibitor_participant):
    client.force_login(member)
    ExhibitorFactory(nomination__expo=expo)
    VisitorParticipantFactory(expo=expo)
    urls = [
        exhibitor_url(exhibitor_participant, "browse"),
        exhibitor_url(exhibitor_participant, "browse") + "?side=visitors",
    ]
    few = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        few.append(len(queries.captured_queries))
    for _ in range(4):
        ExhibitorFactory(nomination__expo=expo)
        VisitorParticipantFactory(expo=expo, registration=confirmed_buyer(expo))
    many = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        many.append(len(queries.captured_queries))
        assert len(page.context["page"].object_list) == 5

    assert few == many
