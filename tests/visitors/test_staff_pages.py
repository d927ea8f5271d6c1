"""Staff pages of the visitors app: numbers and exports, print batches with progress; who may open them."""

import datetime
import io
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from expo.celery import app
from tests.factories import ExpoFactory, GateFactory, register_visitor
from tests.visitors.qrdecode import qr_payloads
from visitors import badges, services
from visitors.models import BadgeBatch

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def running_expo(db):
    today = timezone.localdate()
    return ExpoFactory(start_date=today, end_date=today + datetime.timedelta(days=1))


def test_numbers_by_day_category_country_gate_and_hour(client, desk_staff, running_expo):
    expo = running_expo
    gate = GateFactory(expo=expo, name="North")
    people = [
        register_visitor(expo, category="student", country="PK"),
        register_visitor(expo, category="student", country="CN"),
        register_visitor(expo, category="media", country="PK", dates=expo.days),
    ]
    for person in people[:2]:
        services.scan_record(gate=gate, payload=badges.badge_payload(person.badge), scan_id=uuid.uuid4())
    client.force_login(desk_staff)
    response = client.get(reverse("visitor_numbers"))
    numbers = response.context["numbers"]
    today = expo.start_date
    assert numbers["by_day"] == [
        (today, {"confirmed": 3, "waitlisted": 0, "cancelled": 0, "checked_in": 2}),
        (expo.end_date, {"confirmed": 1, "waitlisted": 0, "cancelled": 0, "checked_in": 0}),
    ]
    assert [(row["key"], row["registered"], row["checked_in"]) for row in numbers["by_category"]] == [
        ("student", 2, 2),
        ("media", 1, 0),
    ]
    assert [(row["country"], row["n"]) for row in numbers["by_country"]] == [("PK", 2), ("CN", 1)]
    assert [(row["gate__name"], row["n"]) for row in numbers["by_gate"]] == [("North", 2)]
    assert sum(row["n"] for row in numbers["by_hour"]) == 2
    csv_text = client.get(reverse("visitor_numbers_export", args=["csv"])).content.decode()
    assert "category,Student,2,,2" in csv_text
    assert "gate,North,,,2" in csv_text
    workbook = load_workbook(io.BytesIO(client.get(reverse("visitor_numbers_export", args=["xlsx"])).content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert ("country", "China", 1, None, None) in rows
    assert client.get(reverse("visitor_numbers_export", args=["doc"])).status_code == 404


def test_print_batch_makes_one_sheet_with_every_badge(client, desk_staff, expo):
    people = [
        register_visitor(expo, category="media", full_name=f"Reporter {n}", category_confirmed_by=desk_staff)
        for n in range(5)
    ]
    register_visitor(expo, category="student")
    client.force_login(desk_staff)
    response = client.post(reverse("badge_batches"), {"category": "media"})
    batch = BadgeBatch.objects.get()
    assert response.url == reverse("badge_batch", args=[batch.pk])
    assert (batch.status, batch.done, batch.total) == ("done", 5, 5)
    progress = client.get(reverse("badge_batch", args=[batch.pk]), headers={"HX-Request": "true"})
    assert 'value="5"' in progress.content.decode()
    pdf = b"".join(client.get(reverse("badge_batch_pdf", args=[batch.pk])).streaming_content)
    found = set(qr_payloads(pdf, page=1)) | set(qr_payloads(pdf, page=2))
    assert found == {badges.badge_payload(person.badge) for person in people}


def test_print_batch_of_a_pavilion_holds_its_exhibitors_booth_staff_only(client, desk_staff, expo):
    from pavilions.models import StallAllocation
    from tests.factories import BoothStaffFactory, ExhibitorFactory, NominationFactory, PavilionFactory, StallFactory

    surgical, sports = PavilionFactory(hall__expo=expo, code="B"), PavilionFactory(hall__expo=expo, code="C")
    staff = {}
    for pavilion, name in [(surgical, "Hilal Surgical"), (sports, "Zahra Sports")]:
        exhibitor = ExhibitorFactory(nomination=NominationFactory(expo=expo, legal_name=name, status="approved"))
        StallAllocation.objects.create(stall=StallFactory(pavilion=pavilion), exhibitor=exhibitor)
        staff[name] = [BoothStaffFactory(exhibitor=exhibitor, full_name=f"{name} {n}") for n in range(2)]
    services.badges_for_booth_staff(expo=expo)
    register_visitor(expo, category="media")
    client.force_login(desk_staff)

    client.post(reverse("badge_batches"), {"pavilion": surgical.pk})

    batch = BadgeBatch.objects.get()
    assert batch.label == str(surgical)
    assert sorted(badge.full_name for badge in batch.badges.all()) == ["Hilal Surgical 0", "Hilal Surgical 1"]
    assert (batch.status, batch.total) == ("done", 2)


def test_print_batch_of_another_expos_pavilion_is_refused(client, desk_staff, expo):
    from tests.factories import PavilionFactory

    elsewhere = PavilionFactory(hall__expo=ExpoFactory(is_current=False))
    client.force_login(desk_staff)

    response = client.post(reverse("badge_batches"), {"pavilion": elsewhere.pk})

    assert "Select a valid choice" in response.context["form"].errors["pavilion"][0]
    assert BadgeBatch.objects.count() == 0


def test_a_failed_batch_stops_its_page_waiting_and_is_not_run_or_swept_again(client, desk_staff, expo):
    register_visitor(expo, category="media", category_confirmed_by=desk_staff)
    client.force_login(desk_staff)
    app.conf.task_always_eager = False  # queued on the broker with no worker: it stays queued
    try:
        client.post(reverse("badge_batches"), {"category": "media"})
    finally:
        app.conf.task_always_eager = True
    batch = BadgeBatch.objects.get()

    services.badge_batch_fail(batch_id=batch.pk)

    assert services.badge_batch_run(batch_id=batch.pk).status == "failed"
    assert services.badge_batches_requeue(older_than=datetime.timedelta(0)) == 0
    progress = client.get(reverse("badge_batch", args=[batch.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "This sheet could not be made." in progress
    assert "data-hx-trigger" not in progress
    assert not BadgeBatch.objects.get().pdf


def test_print_batch_with_nothing_to_print_says_so(client, desk_staff, expo):
    client.force_login(desk_staff)
    response = client.post(reverse("badge_batches"), {"category": "media"})
    assert "There are no badges to print." in response.content.decode()
    assert BadgeBatch.objects.count() == 0


def test_staff_pages_need_the_desk_role(client, someone, gate_staff, expo):
    register_visitor(expo, category="media")
    client.force_login(gate_staff)
    client.post(reverse("badge_batches"), {"category": "media"})
    urls = [
        reverse("visitor_numbers"),
        reverse("visitor_numbers_export", args=["csv"]),
        reverse("badge_batches"),
        reverse("desk_register"),
    ]
    for user in (someone, gate_staff):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, url
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302
    assert BadgeBatch.objects.count() == 0
