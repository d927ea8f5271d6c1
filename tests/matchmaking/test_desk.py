"""The matchmaking desk acting for a participant, and its print-outs: table schedules and the lounge's day sheet."""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expo import roles
from expo.models import OutboundEmail
from matchmaking import services
from matchmaking.models import AvailabilityBlock, MatchmakingSettings, MeetingRequest, Participant, Slot, Table
from tests.conftest import staff_member, with_totp
from tests.factories import (
    ExhibitorFactory,
    ExhibitorParticipantFactory,
    ExpoFactory,
    MeetingRequestFactory,
    StaffFactory,
    VisitorParticipantFactory,
)
from visitors import links

pytestmark = pytest.mark.django_db
DAY = "2042-01-24"  # the ``expo`` fixture's first day, where its slots are


@pytest.fixture
def desk(db):
    return staff_member(roles.MATCHMAKING_DESK, full_name="Hina Desk")


@pytest.fixture
def desk_client(client, desk):
    client.force_login(desk)
    return client


@pytest.fixture
def slots(expo):
    return list(Slot.objects.filter(expo=expo).order_by("start"))


@pytest.fixture
def tables(expo):
    return list(Table.objects.filter(expo=expo).order_by("number"))


def desk_url(name: str, participant: Participant, *args) -> str:
    return reverse(name, args=[participant.pk, *args])


# --- Acting for a participant --------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["nairobi med", "Wanjiru", "wanjiru@nairobi"])
def test_desk_finds_a_buyer_by_organisation_name_or_email(desk_client, buyer, exhibitor_participant, query):
    page = desk_client.get(reverse("mm_desk_participants"), {"q": query}).content.decode()

    assert desk_url("mm_desk_participant", buyer) in page
    assert desk_url("mm_desk_participant", exhibitor_participant) not in page


def test_desk_finds_an_exhibitor_by_a_members_email(desk_client, buyer, exhibitor_participant, member):
    page = desk_client.get(reverse("mm_desk_participants"), {"q": "owner@hilal"}).content.decode()

    assert desk_url("mm_desk_participant", exhibitor_participant) in page
    assert desk_url("mm_desk_participant", buyer) not in page


def test_desk_search_of_another_expo_finds_nothing_of_it(desk_client, buyer):
    VisitorParticipantFactory(expo=ExpoFactory(is_current=False), organisation="Nairobi Med Elsewhere")

    page = desk_client.get(reverse("mm_desk_participants"), {"q": "Nairobi"}).content.decode()

    assert "Nairobi Med Elsewhere" not in page
    assert "Nairobi Med Supplies" in page


def test_desk_sends_a_request_for_a_buyer_recorded_as_sent_by_the_desk(
    desk_client, desk, buyer, exhibitor, exhibitor_participant, member
):
    url = desk_url("mm_desk_ask", buyer) + f"?exhibitor={exhibitor.pk}"
    assert "Nairobi Med Supplies asks Hilal Surgical for a meeting" in desk_client.get(url).content.decode()

    response = desk_client.post(url, {"priority": "must", "message": "Scissors for Nairobi, by phone."})

    assert response.status_code == 302
    assert response["Location"] == desk_url("mm_desk_participant", buyer)
    sent = MeetingRequest.objects.get()
    assert (sent.sender, sent.receiver, sent.priority, sent.sent_by) == (buyer, exhibitor_participant, "must", desk)
    assert OutboundEmail.objects.filter(template="matchmaking_request", to=member.email).count() == 1
    # The participant's own pages show it like any request of theirs.
    own = desk_client.get(reverse("mm_visitor_requests", args=[links.manage_token(buyer.registration)]))
    assert "Hilal Surgical" in own.content.decode()


def test_desk_finds_whom_to_ask_for_an_exhibitor(desk_client, exhibitor_participant, buyer, other_exhibitor):
    page = desk_client.get(desk_url("mm_desk_ask", exhibitor_participant), {"q": "a"}).content.decode()

    assert f"?exhibitor={other_exhibitor.pk}" in page
    assert f"?participant={buyer.pk}" in page
    assert f"?exhibitor={exhibitor_participant.exhibitor.pk}" not in page  # not itself


def test_desk_request_without_a_priority_is_refused_next_to_the_field(desk_client, buyer, exhibitor):
    url = desk_url("mm_desk_ask", buyer) + f"?exhibitor={exhibitor.pk}"

    response = desk_client.post(url, {"priority": "urgent", "message": "Hello"})

    assert response.status_code == 200
    assert "priority" in response.context["form"].errors
    assert not MeetingRequest.objects.exists()


def test_desk_request_past_the_cap_is_refused_and_nothing_is_saved(desk_client, expo, buyer, exhibitor):
    MatchmakingSettings.objects.update_or_create(expo=expo, defaults={"request_cap": 0})
    url = desk_url("mm_desk_ask", buyer) + f"?exhibitor={exhibitor.pk}"

    response = desk_client.post(url, {"priority": "would", "message": ""})

    assert response.status_code == 200
    assert "You have sent the 0 requests allowed" in response.content.decode()
    assert not MeetingRequest.objects.exists()
    assert not OutboundEmail.objects.filter(template="matchmaking_request").exists()


def test_desk_cannot_ask_an_exhibitor_of_another_expo_or_the_participant_itself(
    desk_client, buyer, exhibitor_participant
):
    elsewhere = ExhibitorFactory(nomination__expo=ExpoFactory(is_current=False))

    assert desk_client.get(desk_url("mm_desk_ask", buyer) + f"?exhibitor={elsewhere.pk}").status_code == 404
    own = desk_url("mm_desk_ask", exhibitor_participant) + f"?exhibitor={exhibitor_participant.exhibitor.pk}"
    assert desk_client.post(own, {"priority": "would"}).status_code == 404
    assert not MeetingRequest.objects.exists()


def test_desk_accepts_for_an_exhibitor_recorded_as_answered_by_the_desk(
    desk_client, desk, buyer, exhibitor_participant
):
    pending = MeetingRequestFactory(sender=buyer, receiver=exhibitor_participant)
    page = desk_client.get(desk_url("mm_desk_participant", exhibitor_participant)).content.decode()
    accept = desk_url("mm_desk_request_decide", exhibitor_participant, pending.pk, "accept")
    assert accept in page

    response = desk_client.post(accept)

    assert response["Location"] == desk_url("mm_desk_participant", exhibitor_participant)
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == ("accepted", desk)
    assert OutboundEmail.objects.filter(template="matchmaking_request", to=buyer.registration.email).count() == 1
    page = desk_client.get(desk_url("mm_desk_participant", exhibitor_participant)).content.decode()
    assert "Answered by Hina Desk" in page


def test_desk_declines_with_a_reason_and_without_one_nothing_changes(desk_client, desk, buyer, exhibitor_participant):
    pending = MeetingRequestFactory(sender=buyer, receiver=exhibitor_participant)
    url = desk_url("mm_desk_request_decide", exhibitor_participant, pending.pk, "decline")
    assert desk_client.get(url).status_code == 200

    response = desk_client.post(url, {"reason": ""})

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    pending.refresh_from_db()
    assert pending.status == "pending"

    desk_client.post(url, {"reason": "no_capacity"})

    pending.refresh_from_db()
    assert (pending.status, pending.decline_reason, pending.decided_by) == ("declined", "no_capacity", desk)


def test_desk_withdraws_a_buyers_request(desk_client, desk, buyer, exhibitor_participant):
    pending = MeetingRequestFactory(sender=buyer, receiver=exhibitor_participant)

    desk_client.post(desk_url("mm_desk_request_decide", buyer, pending.pk, "withdraw"))

    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == ("withdrawn", desk)


def test_desk_answer_refused_by_the_service_changes_nothing(desk_client, buyer, exhibitor_participant):
    """The receiver answers, the sender withdraws: the desk acting for the wrong side is told so."""
    pending = MeetingRequestFactory(sender=buyer, receiver=exhibitor_participant)

    response = desk_client.post(desk_url("mm_desk_request_decide", buyer, pending.pk, "accept"), follow=True)

    assert "Only the participant who was asked can answer." in response.content.decode()
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == ("pending", None)


def test_desk_cannot_reach_a_request_through_a_participant_not_in_it(
    desk_client, buyer, other_buyer, exhibitor_participant
):
    pending = MeetingRequestFactory(sender=buyer, receiver=exhibitor_participant)

    for action in ("accept", "withdraw", "decline"):
        url = desk_url("mm_desk_request_decide", other_buyer, pending.pk, action)
        assert desk_client.post(url, {"reason": "other"}).status_code == 404
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_desk_sets_a_participants_availability_recorded_as_theirs(desk_client, desk, exhibitor_participant, slots):
    url = desk_url("mm_desk_availability", exhibitor_participant)

    response = desk_client.post(url, {"slots": [slots[0].pk, slots[2].pk]})

    assert response.status_code == 302
    assert set(AvailabilityBlock.objects.values_list("slot_id", flat=True)) == {slots[1].pk, slots[3].pk}
    exhibitor_participant.refresh_from_db()
    assert exhibitor_participant.availability_set_by == desk
    assert (
        "availability set by Hina Desk"
        in desk_client.get(desk_url("mm_desk_participant", exhibitor_participant)).content.decode()
    )


def test_desk_availability_with_a_slot_not_offered_is_refused(desk_client, exhibitor_participant, slots):
    other_slot = Slot.objects.create(
        expo=ExpoFactory(is_current=False),
        start=slots[0].start,
        end=slots[0].end,
    )

    response = desk_client.post(
        desk_url("mm_desk_availability", exhibitor_participant), {"slots": [slots[0].pk, other_slot.pk]}
    )

    assert response.status_code == 200
    assert "slots" in response.context["form"].errors
    assert not AvailabilityBlock.objects.exists()
    exhibitor_participant.refresh_from_db()
    assert exhibitor_participant.availability_set_by is None


def test_participants_own_answer_is_not_recorded_as_the_desks(client, member, buyer, exhibitor_participant):
    pending = MeetingRequestFactory(sender=buyer, receiver=exhibitor_participant)
    client.force_login(member)

    client.post(reverse("mm_exhibitor_request_decide", args=[exhibitor_participant.exhibitor.pk, pending.pk, "accept"]))

    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == ("accepted", None)


def test_desk_cannot_act_for_a_participant_of_another_expo(desk_client):
    elsewhere = VisitorParticipantFactory(expo=ExpoFactory(is_current=False))

    for name in ("mm_desk_participant", "mm_desk_ask", "mm_desk_availability"):
        assert desk_client.get(desk_url(name, elsewhere)).status_code == 404, name


# --- Who may not ---------------------------------------------------------------------------------------------


def acting_urls(buyer, pending) -> list[tuple[str, str]]:
    return [
        ("get", reverse("mm_desk_participants") + "?q=Nairobi"),
        ("get", desk_url("mm_desk_participant", buyer)),
        ("get", desk_url("mm_desk_ask", buyer)),
        ("get", desk_url("mm_desk_availability", buyer)),
        ("post", desk_url("mm_desk_request_decide", buyer, pending.pk, "withdraw")),
    ]


def print_urls() -> list[tuple[str, str]]:
    return [
        ("get", reverse("mm_desk_print")),
        ("get", reverse("mm_desk_print_tables", args=[DAY])),
        ("get", reverse("mm_desk_print_day", args=[DAY])),
    ]


def test_desk_pages_refuse_other_staff_roles_members_and_anonymous(client, buyer, exhibitor_participant, member):
    pending = MeetingRequestFactory(sender=buyer, receiver=exhibitor_participant)
    urls = acting_urls(buyer, pending) + print_urls()
    for user in (staff_member(roles.FLOOR_MANAGERS), staff_member(roles.REGISTRATION_DESK), member, None):
        client.logout()
        if user is not None:
            client.force_login(user)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 404, (user, url)
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == ("pending", None)


def test_staff_who_may_print_but_not_change_requests_cannot_act_for_a_participant(client, buyer, exhibitor_participant):
    printer = with_totp(StaffFactory())
    printer.user_permissions.add(Permission.objects.get(content_type__app_label="matchmaking", codename="view_meeting"))
    pending = MeetingRequestFactory(sender=buyer, receiver=exhibitor_participant)
    client.force_login(printer)

    assert client.get(reverse("mm_desk_print_day", args=[DAY])).status_code == 200
    for method, url in acting_urls(buyer, pending):
        assert getattr(client, method)(url).status_code == 404, url
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_desk_without_an_authenticator_is_sent_to_set_one_up(client, buyer, exhibitor_participant):
    no_mfa = staff_member(roles.MATCHMAKING_DESK)
    Authenticator.objects.filter(user=no_mfa).delete()
    pending = MeetingRequestFactory(sender=buyer, receiver=exhibitor_participant)
    client.force_login(no_mfa)

    for method, url in acting_urls(buyer, pending) + print_urls():
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/2fa/totp/activate/")
    pending.refresh_from_db()
    assert pending.status == "pending"


# --- Print-outs ----------------------------------------------------------------------------------------------


@pytest.fixture
def day_meetings(expo, buyer, other_buyer, exhibitor_participant, slots, tables):
    """Nairobi Med meets Hilal Surgical at the first table in the first slot; Baku Trade meets Hilal Surgical at
    the second table in the second slot and Sialkot Steel at its stall in the third."""
    steel = ExhibitorParticipantFactory(exhibitor__nomination__expo=expo, organisation="Sialkot Steel")

    def book(sender, receiver, slot, table):
        request = MeetingRequestFactory(sender=sender, receiver=receiver, status="accepted", at_stall=table is None)
        return services.meeting_book(meeting_request=request, slot=slot, table=table, by=None)

    return [
        book(buyer, exhibitor_participant, slots[0], tables[0]),
        book(other_buyer, exhibitor_participant, slots[1], tables[1]),
        book(other_buyer, steel, slots[2], None),
    ]


def test_desk_prints_one_page_per_table_with_its_meetings(desk_client, day_meetings, tables, slots):
    response = desk_client.get(reverse("mm_desk_print_tables", args=[DAY]))

    page = response.content.decode()
    assert "matchmaking/print.css" in page
    sheets = page.split('class="mm-print-page')[1:]
    assert len(sheets) == len(tables)
    assert f"{tables[0]} · B2B lounge" in sheets[0]
    assert "Nairobi Med Supplies · Hilal Surgical" in sheets[0]
    assert "Baku Trade" not in sheets[0]
    assert "Baku Trade · Hilal Surgical" in sheets[1]
    assert "Sialkot Steel" not in page  # a stall meeting uses no table
    assert sheets[0].count("<tr>") == len(slots) + 1  # every slot of the day, and the heading
    assert sheets[0].count("Free") == len(slots) - 1


def test_desk_prints_the_day_sheet_by_slot_and_table(desk_client, day_meetings):
    page = desk_client.get(reverse("mm_desk_print_day", args=[DAY])).content.decode()

    assert page.index("Nairobi Med Supplies · Hilal Surgical") < page.index("Baku Trade · Hilal Surgical")
    assert page.index("Baku Trade · Hilal Surgical") < page.index("Baku Trade · Sialkot Steel")
    assert "At the stall" in page
    assert page.count("No meetings") == 1  # the fourth slot


def test_print_index_lists_each_day_with_its_meetings(desk_client, day_meetings):
    page = desk_client.get(reverse("mm_desk_print")).content.decode()

    assert reverse("mm_desk_print_tables", args=[DAY]) in page
    assert "3 meetings" in page


def test_a_cancelled_meeting_leaves_the_print_outs(desk_client, day_meetings):
    services.meeting_cancel(meeting=day_meetings[0], by=None)

    assert "Nairobi Med" not in desk_client.get(reverse("mm_desk_print_day", args=[DAY])).content.decode()
    assert "Nairobi Med" not in desk_client.get(reverse("mm_desk_print_tables", args=[DAY])).content.decode()


def test_a_slot_no_longer_in_the_grid_leaves_the_print_outs(desk_client, day_meetings, slots, tables):
    services.meeting_cancel(meeting=day_meetings[0], by=None)
    Slot.objects.filter(pk=slots[0].pk).update(kind=Slot.Kind.RETIRED)

    sheets = desk_client.get(reverse("mm_desk_print_tables", args=[DAY])).content.decode().split('class="mm-print-page')
    assert sheets[1].count("<tr>") == len(slots)  # the other slots of the day, and the heading
    assert desk_client.get(reverse("mm_desk_print_day", args=[DAY])).content.decode().count("No meetings") == 1


@pytest.mark.parametrize("day", ["2042-13-45", "tomorrow", "2042-02-01"])
def test_print_of_a_day_that_is_not_a_meeting_day_is_a_404(desk_client, expo, day):
    assert desk_client.get(reverse("mm_desk_print_tables", args=[day])).status_code == 404
    assert desk_client.get(reverse("mm_desk_print_day", args=[day])).status_code == 404


def test_print_outs_of_another_expo_are_not_shown(desk_client, expo, day_meetings):
    elsewhere = ExpoFactory(is_current=False)
    Slot.objects.create(
        expo=elsewhere,
        start=datetime.datetime(2042, 1, 24, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=5))),
        end=datetime.datetime(2042, 1, 24, 10, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=5))),
    )
    Table.objects.create(expo=elsewhere, number=99)

    page = desk_client.get(reverse("mm_desk_print_tables", args=[DAY])).content.decode()

    assert "Table 99" not in page


def test_print_outs_take_the_same_queries_for_one_meeting_and_many(desk_client, expo, buyer, slots, tables):
    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert desk_client.get(url).status_code == 200
        return len(captured)

    urls = [reverse("mm_desk_print_tables", args=[DAY]), reverse("mm_desk_print_day", args=[DAY])]
    first = MeetingRequestFactory(
        sender=buyer, receiver=ExhibitorParticipantFactory(exhibitor__nomination__expo=expo), status="accepted"
    )
    services.meeting_book(meeting_request=first, slot=slots[0], table=tables[0], by=None)
    one = [queries(url) for url in urls]
    for slot in slots[1:]:
        for table in tables:
            request = MeetingRequestFactory(
                sender=VisitorParticipantFactory(expo=expo),
                receiver=ExhibitorParticipantFactory(exhibitor__nomination__expo=expo),
                status="accepted",
            )
            services.meeting_book(meeting_request=request, slot=slot, table=table, by=None)

    assert [queries(url) for url in urls] == one


def test_the_site_menu_offers_the_desk_pages_to_the_desk_only(client, desk, expo):
    client.force_login(desk)
    page = client.get(reverse("home")).content.decode()
    assert reverse("mm_desk_participants") in page
    assert reverse("mm_desk_print") in page

    client.force_login(staff_member(roles.FLOOR_MANAGERS))
    page = client.get(reverse("home")).content.decode()
    assert reverse("mm_desk_participants") not in page
    assert reverse("mm_desk_print") not in page


def test_desk_pages_are_valid_html_in_english_and_urdu(
    desk_client, expo, buyer, exhibitor_participant, day_meetings, tmp_path
):
    from tests.e2e.test_public_pages_audit import VNU, _nu_errors
    from tests.realstack import require

    require(VNU.exists(), "vnu-jar in node_modules (npm ci)")
    pending = MeetingRequestFactory(sender=VisitorParticipantFactory(expo=expo), receiver=exhibitor_participant)
    paths = [
        reverse("mm_desk_participants") + "?q=a",
        desk_url("mm_desk_participant", exhibitor_participant),
        desk_url("mm_desk_ask", buyer) + "?q=a",
        desk_url("mm_desk_ask", buyer) + f"?exhibitor={day_meetings[2].request.receiver.exhibitor.pk}",
        desk_url("mm_desk_request_decide", exhibitor_participant, pending.pk, "decline"),
        desk_url("mm_desk_availability", buyer),
        reverse("mm_desk_print"),
        reverse("mm_desk_print_tables", args=[DAY]),
        reverse("mm_desk_print_day", args=[DAY]),
    ]
    documents = {}
    for language in ("en", "ur"):
        desk_client.cookies["django_language"] = language
        for path in paths:
            documents[language, path] = desk_client.get(path)
    assert {response.status_code for response in documents.values()} == {200}

    assert _nu_errors(documents, tmp_path) == []


def test_participant_page_takes_the_same_queries_for_one_request_and_many(desk_client, desk, expo, buyer):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert desk_client.get(desk_url("mm_desk_participant", buyer)).status_code == 200
        return len(captured)

    MeetingRequestFactory(sender=buyer, receiver=ExhibitorParticipantFactory(exhibitor__nomination__expo=expo))
    one = queries()
    for status in ("accepted", "declined", "withdrawn", "pending"):
        MeetingRequestFactory(
            sender=buyer,
            receiver=ExhibitorParticipantFactory(exhibitor__nomination__expo=expo),
            status=status,
            sent_by=desk,
            decided_by=desk,
        )
        MeetingRequestFactory(
            sender=ExhibitorParticipantFactory(exhibitor__nomination__expo=expo), receiver=buyer, decided_by=desk
        )

    assert queries() == one
