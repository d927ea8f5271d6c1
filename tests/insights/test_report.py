"""The edition report: asked for with one click, drawn by the Celery task with progress saved step by step, then
downloaded as a PDF by holders of the insights permission only."""

import io

from django.urls import reverse
from pypdf import PdfReader

from insights import report, services, tasks
from insights.models import EditionReport


def test_one_click_makes_the_report_in_the_background_and_the_page_follows_it(
    client, edition, manager, django_capture_on_commit_callbacks
):
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("insights_report_start"), {"edition": "2031", "province": "punjab"})

    made = EditionReport.objects.get()
    assert response.url == reverse("insights_report", args=[made.pk])
    assert (made.status, made.done, made.steps) == ("done", len(report.steps()), len(report.steps()))
    assert made.filters == {"cluster": None, "sector": None, "province": "punjab"}
    progress = client.get(reverse("insights_report", args=[made.pk]), headers={"HX-Request": "true"}).content.decode()
    assert reverse("insights_report_pdf", args=[made.pk]) in progress
    assert "hx-trigger" not in progress  # finished: the page stops asking
    pdf = client.get(reverse("insights_report_pdf", args=[made.pk]))
    content = b"".join(pdf.streaming_content)
    assert content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Edition report: SME Cluster Expo 2031" in text
    assert "Surgical instruments, Sialkot" in text
    # Narrowed to Punjab: the Sindh cluster's exhibitors are not in the exhibitor tables.
    assert "Karachi Chamber" not in text


def test_a_queued_report_shows_its_progress_and_polls(client, edition, manager):
    made = EditionReport.objects.create(expo=edition["expo"], steps=5, done=2, status="running")
    client.force_login(manager)

    page = client.get(reverse("insights_report", args=[made.pk])).content.decode()

    assert 'data-hx-trigger="every 1s"' in page
    assert '<progress class="insights-progress" max="5" value="2">' in page
    assert client.get(reverse("insights_report_pdf", args=[made.pk])).status_code == 404


def test_running_the_task_twice_draws_the_report_once(edition):
    made = services.report_request(expo=edition["expo"], filters=services.Filters(), language="en", user=None)

    tasks.make_report.apply(args=[made.pk])
    first = EditionReport.objects.get(pk=made.pk)
    tasks.make_report.apply(args=[made.pk])
    again = EditionReport.objects.get(pk=made.pk)

    assert first.status == "done"
    assert again.pdf.name == first.pdf.name
    assert again.finished_at == first.finished_at


def test_a_report_that_fails_for_good_stops_waiting(edition):
    made = EditionReport.objects.create(expo=edition["expo"], steps=5)

    services.report_fail(report_id=made.pk)

    made.refresh_from_db()
    assert made.status == "failed"
    assert made.finished
