"""Certificates of the published results: a PDF per winner and runner-up (WeasyPrint, A4 landscape, in English and
Urdu) with a QR code linking to its public verification page, made by a task and emailed to the exhibitor's members.

Issuing is idempotent: one certificate per result (a one-to-one row, claimed under a row lock), its PDF drawn once
and its emails queued once, however often the task runs. WeasyPrint is imported by the function that draws, not
with the module: most processes that import the services never draw a certificate.
"""

import segno
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from expo import services as core

from .models import Certificate, Result

CERTIFICATE_ATTACHMENT = "awards.certificate"  # the outbox's maker (``EXPO_ATTACHMENT_MAKERS``)


def certificate_enqueue(*, result_id: int, site_url: str) -> None:
    """Have the certificate of ``result_id`` made and emailed once the current transaction commits."""
    from . import tasks

    transaction.on_commit(lambda: tasks.certificate_issue.delay(result_id, site_url))


def verification_url(certificate: Certificate, site_url: str) -> str:
    return site_url.rstrip("/") + reverse("awards_certificate", args=[certificate.public_id])


def qr_data_uri(url: str) -> str:
    # A fixed mask, as on badges: every mask reads everywhere, and choosing one costs more than the rest.
    return segno.make(url, error="m", micro=False, mask=2).svg_data_uri(scale=4, border=4, dark="#000", light="#fff")


def certificate_html(certificate: Certificate, *, site_url: str) -> str:
    """The certificate's page as HTML, both languages side by side (the bench draws the same HTML bare)."""
    result = certificate.result
    url = verification_url(certificate, site_url)
    return render_to_string(
        "awards/certificate_pdf.html",
        {
            "certificate": certificate,
            "result": result,
            "expo": result.category.expo,
            "url": url,
            "qr": qr_data_uri(url),
        },
    )


def certificate_pdf(certificate: Certificate, *, site_url: str) -> bytes:
    from weasyprint import HTML  # heavy: imported by the one function that draws

    return HTML(string=certificate_html(certificate, site_url=site_url), base_url=".").write_pdf()


def _number(result: Result) -> str:
    return f"AW{result.category.expo.year}-{result.pk:05d}"


def certificate_issue(*, result_id: int, site_url: str) -> Certificate | None:
    """Make the certificate of a published result (once), then queue its email to each member of the exhibitor
    (once); None when the result is not published."""
    with transaction.atomic():
        result = (
            Result.objects.select_for_update(of=("self",))
            .select_related("category__expo", "candidate__exhibitor")
            .filter(pk=result_id, published_at__isnull=False)
            .first()
        )
        if result is None:
            return None
        certificate = Certificate.objects.filter(result=result).first()
        if certificate is None:
            certificate = Certificate.objects.create(result=result, number=_number(result))
        if not certificate.pdf:
            certificate.result = result
            certificate.pdf.save(
                f"{certificate.number}.pdf", ContentFile(certificate_pdf(certificate, site_url=site_url)), save=False
            )
            certificate.issued_at = timezone.now()
            certificate.save(update_fields=["pdf", "issued_at"])
        if certificate.emailed_at is None:
            exhibitor = result.candidate.exhibitor
            for member in exhibitor.members.filter(is_active=True).order_by("pk"):
                core.email_queue(
                    to=member.email,
                    template="award_certificate",
                    context={
                        "result": result,
                        "exhibitor": exhibitor,
                        "certificate": certificate,
                        "url": verification_url(certificate, site_url),
                    },
                    attachment=(CERTIFICATE_ATTACHMENT, certificate.pk),
                )
            certificate.emailed_at = timezone.now()
            certificate.save(update_fields=["emailed_at"])
    return certificate


def certificate_attachment(certificate_id: str) -> core.Attachment | None:
    """The certificate's PDF for an email going out now; None if it is gone. The outbox's maker."""
    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None or not certificate.pdf:
        return None
    with certificate.pdf.open("rb") as pdf:
        return core.Attachment(
            content=pdf.read(), filename=f"certificate-{certificate.number}.pdf", mimetype="application/pdf"
        )


def certificate_public(*, public_id: str) -> Certificate:
    """The certificate behind a verification link, if its result is published; a 404 for anything else."""
    certificate = (
        Certificate.objects.filter(public_id=public_id, result__published_at__isnull=False)
        .select_related("result__category__expo", "result__candidate__exhibitor")
        .first()
    )
    if certificate is None:
        raise Http404
    return certificate
