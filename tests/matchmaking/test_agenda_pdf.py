"""Each participant's agenda as a PDF: who, when, where and the contact; in the page's language; only their own."""

import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from pypdf import PdfReader

from matchmaking import services
from visitors import links

pytestmark = pytest.mark.django_db
KARACHI = ZoneInfo("Asia/Karachi")


def visitor_pdf_url(participant) -> str:
    return reverse("mm_visitor_agenda_pdf", args=[links.manage_token(participant.registration)])


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(response)))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_visitor_downloads_their_agenda_with_who_when_where_and_the_contact(client, buyer, booked, slots):
    response = client.get(visitor_pdf_url(buyer))

    text = pdf_text(response)
    assert response["Content-Disposition"] == 'attachment; filename="b2b-agenda.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert "Nairobi Med Supplies" in text
    first, third = (slot.start.astimezone(KARACHI) for slot in (slots[0], slots[2]))
    assert f"{first:%H:%M}" in text
    assert f"{third:%H:%M}" in text
    assert f"Table {booked[0].table.number}, B2B lounge" in text
    assert "Hilal Surgical" in text
    assert "sales@hilal.example.pk" in text
    assert "+92 52 1234567" in text
    assert "At the stall H1-B-007" in text
    assert text.index("Hilal Surgical") < text.index("Sialkot Steel")


def test_exhibitor_member_downloads_its_agenda_with_the_buyers_contact(client, member, exhibitor_participant, booked):
    client.force_login(member)

    text = pdf_text(client.get(reverse("mm_exhibitor_agenda_pdf", args=[exhibitor_participant.exhibitor.pk])))

    assert "Nairobi Med Supplies" in text
    assert "wanjiru@nairobi-med.example.ke" in text
    assert "Sialkot Steel" not in text


def test_agenda_pdf_without_meetings_says_so(client, buyer):
    text = pdf_text(client.get(visitor_pdf_url(buyer)))

    assert "No meetings on your agenda yet." in text


def test_a_cancelled_meeting_leaves_the_pdf(client, buyer, booked):
    services.meeting_cancel(meeting=booked[0], by=None)

    text = pdf_text(client.get(visitor_pdf_url(buyer)))

    assert "Hilal Surgical" not in text
    assert "Sialkot Steel" in text


def test_agenda_pdf_is_in_urdu_right_to_left_when_the_page_is(client, buyer, booked):
    client.cookies["django_language"] = "ur"

    response = client.get(visitor_pdf_url(buyer))

    reader = PdfReader(io.BytesIO(b"".join(response)))
    assert reader.trailer["/Root"]["/Lang"] == "ur"
    assert "Hilal Surgical" in "".join(page.extract_text() for page in reader.pages)


def test_agenda_pdf_of_a_tampered_or_foreign_link_is_a_404(client, buyer, other_buyer, booked):
    token = links.manage_token(buyer.registration)

    assert client.get(reverse("mm_visitor_agenda_pdf", args=[token[:-2] + "xx"])).status_code == 404
    # Another buyer's own link shows their agenda, never this one's.
    assert "Hilal Surgical" not in pdf_text(client.get(visitor_pdf_url(other_buyer)))


def test_another_exhibitors_member_gets_a_404(client, outsider, exhibitor_participant, booked):
    client.force_login(outsider)

    response = client.get(reverse("mm_exhibitor_agenda_pdf", args=[exhibitor_participant.exhibitor.pk]))

    assert response.status_code == 404


def test_anonymous_visitor_of_an_exhibitor_pdf_is_sent_to_sign_in(client, exhibitor_participant, booked):
    response = client.get(reverse("mm_exhibitor_agenda_pdf", args=[exhibitor_participant.exhibitor.pk]))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_registration_not_taking_part_has_no_pdf(client, buyer_registration):
    response = client.get(reverse("mm_visitor_agenda_pdf", args=[links.manage_token(buyer_registration)]))

    assert response.status_code == 404


def test_agenda_page_offers_the_pdf(client, buyer):
    page = client.get(reverse("mm_visitor_agenda", args=[links.manage_token(buyer.registration)])).content.decode()

    assert visitor_pdf_url(buyer) in page
