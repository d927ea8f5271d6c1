"""Certificates: made once per published result, A4 landscape, with a QR code that decodes to the public
verification page, which shows the certificate; a forged id is "not found"; emailed to the exhibitor's members
with the PDF attached, by a real worker too."""

import io

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from awards import certificates
from awards.models import Certificate, Result
from expo import roles
from expo.models import OutboundEmail
from tests.awards.scored import scored_round
from tests.conftest import staff_member
from tests.factories import ExhibitorMembershipFactory
from tests.pavilions.test_runs import wait_for_email
from tests.visitors.qrdecode import qr_payloads


@pytest.fixture
def secretary(db):
    return staff_member(roles.AWARDS_SECRETARIAT)


@pytest.fixture
def scored(category):
    category.winners, category.runners_up = 1, 1
    category.save()
    return scored_round(category)


def _approve_and_publish(client, category, secretary):
    client.force_login(secretary)
    client.post(reverse("awards_staff_results_approve", args=[category.pk]), {"mode": "normalised"})
    return client.post(reverse("awards_staff_results_publish"), {"category": category.pk})


@pytest.mark.django_db
def test_certificate_qr_decodes_to_its_verification_page(
    client, expo, category, scored, secretary, django_capture_on_commit_callbacks
):
    member = ExhibitorMembershipFactory(exhibitor=scored.candidates[0].exhibitor).user
    with django_capture_on_commit_callbacks(execute=True):
        _approve_and_publish(client, category, secretary)
    winner = Certificate.objects.get(result__place=Result.Place.WINNER)
    assert Certificate.objects.count() == 2  # the winner's and the runner-up's
    pdf = winner.pdf.read()
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert round(float(page.mediabox.width)) > round(float(page.mediabox.height))  # A4 landscape
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    url = f"http://testserver/awards/certificates/{winner.public_id}/"
    assert qr_payloads(pdf) == [url]

    client.logout()
    html = client.get(url).content.decode()
    assert winner.number in html
    assert "Sialkot Surgical Works" in html
    assert "Best export newcomer" in html
    assert "Winner" in html
    assert "SME Cluster Expo 2026" in html

    sent = [message for message in mail.outbox if message.to == [member.email]]
    assert len(sent) == 1
    assert "Your award certificate: Best export newcomer" in sent[0].subject
    assert url in sent[0].body
    (name, content, mimetype), *rest = sent[0].attachments
    assert not rest
    assert (name, mimetype) == (f"certificate-{winner.number}.pdf", "application/pdf")
    assert content == pdf


@pytest.mark.django_db
def test_forged_certificate_number_is_not_found(
    client, category, scored, secretary, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _approve_and_publish(client, category, secretary)
    real = Certificate.objects.first().public_id
    for forged in ("AW2026-00001", real[:-1] + ("A" if real[-1] != "A" else "B"), "x" * 200):
        response = client.get(reverse("awards_certificate", args=[forged]))
        assert response.status_code == 404
        assert "Certificate not found" in response.content.decode()
        assert "Sialkot Surgical Works" not in response.content.decode()


@pytest.mark.django_db
def test_unpublished_results_have_no_certificate(client, category, scored, secretary):
    client.force_login(secretary)
    client.post(reverse("awards_staff_results_approve", args=[category.pk]), {"mode": "normalised"})
    result = Result.objects.get(rank=1)
    assert certificates.certificate_issue(result_id=result.pk, site_url="http://testserver/") is None
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_issuing_again_makes_and_emails_nothing_more(
    client, category, scored, secretary, django_capture_on_commit_callbacks
):
    ExhibitorMembershipFactory(exhibitor=scored.candidates[0].exhibitor)
    with django_capture_on_commit_callbacks(execute=True):
        _approve_and_publish(client, category, secretary)
    winner = Certificate.objects.get(result__rank=1)
    emails, pdf_name = OutboundEmail.objects.count(), winner.pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        again = certificates.certificate_issue(result_id=winner.result_id, site_url="http://testserver/")
    assert again.pk == winner.pk
    assert again.pdf.name == pdf_name
    assert Certificate.objects.count() == 2
    assert OutboundEmail.objects.count() == emails


def test_certificate_email_sent_by_a_real_worker(client, expo, category, celery_worker):
    category.winners, category.runners_up = 1, 0
    category.save()
    scored = scored_round(category)
    secretary = staff_member(roles.AWARDS_SECRETARIAT)
    member = ExhibitorMembershipFactory(exhibitor=scored.candidates[0].exhibitor).user
    _approve_and_publish(client, category, secretary)
    text = wait_for_email(celery_worker, member.email, timeout=90)
    certificate = Certificate.objects.get()
    assert f"/awards/certificates/{certificate.public_id}/" in text
    assert f'filename="certificate-{certificate.number}.pdf"' in text
    assert certificate.emailed_at is not None
