"""Allocation runs through the admin with a real Celery worker: start, watch the progress, preview, apply or discard."""

import time

import pytest
from django.contrib.messages import get_messages
from django.template.defaultfilters import floatformat
from django.urls import reverse

from pavilions import services
from pavilions.models import AllocationRun, Stall, StallAllocation
from tests.factories import (
    ClusterFactory,
    ExhibitorFactory,
    ExhibitorMembershipFactory,
    NominationFactory,
    PavilionFactory,
    StallFactory,
)

START = "admin:pavilions_allocationrun_add"


def preview_url(run) -> str:
    return reverse("admin:pavilions_allocationrun_preview", args=[run.pk])


def decide(client, run, decision: str):
    return client.post(reverse("admin:pavilions_allocationrun_decide", args=[run.pk]), {"decision": decision})


def run_form(**overrides):
    data = {
        "same_cluster_adjacent": "3",
        "corner_to_ranked": "1",
        "trade_body_near": "1",
        "competitors_facing": "2",
        "time_limit": "5",
    }
    return data | overrides


@pytest.fixture
def venue(expo, hall, pavilion, surgical):
    """Pavilion B (surgical) with a row of four stalls; pavilion C (furniture) with two."""
    furniture = ClusterFactory(name="Furniture, Chiniot")
    other = PavilionFactory(hall=hall, code="C", name="Furniture", x=30, y=2, clusters=[furniture])
    for n in range(1, 5):
        StallFactory(pavilion=pavilion, code=f"H1-B-{n:03d}", x=3 + 3 * (n - 1), y=3)
    for n in range(1, 3):
        StallFactory(pavilion=other, code=f"H1-C-{n:03d}", x=31 + 3 * (n - 1), y=3)
    exhibitors = {}
    for name, cluster in [
        ("Sialkot Surgical", surgical),
        ("Amin Instruments", surgical),
        ("Chiniot Carvers", furniture),
    ]:
        nomination = NominationFactory(expo=expo, cluster=cluster, legal_name=name, status="approved")
        exhibitors[name] = ExhibitorFactory(nomination=nomination)
    return exhibitors


def start_here(client, capture, **overrides):
    """Without a worker Celery runs the task in-process, once the request's transaction commits."""
    with capture(execute=True):
        client.post(reverse(START), run_form(**overrides))
    return AllocationRun.objects.get()


def wait_for_preview(client, run, timeout: float = 60.0) -> AllocationRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status not in {AllocationRun.Status.QUEUED, AllocationRun.Status.RUNNING}:
            return run
        progress = client.get(reverse("admin:pavilions_allocationrun_progress", args=[run.pk]))
        assert progress.status_code == 200
        assert 'id="run-progress-bar"' in progress.content.decode()
        time.sleep(0.3)
    raise AssertionError(f"run {run.pk} still {run.status} after {timeout} s")


def test_a_run_is_previewed_then_applied_with_a_real_worker(client, floor_manager, venue, celery_worker):
    ExhibitorMembershipFactory(exhibitor=venue["Chiniot Carvers"], user__email="owner@chiniotcarvers.example.pk")
    client.force_login(floor_manager)

    response = client.post(reverse(START), run_form())

    run = AllocationRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == preview_url(run)
    assert not StallAllocation.objects.exists()  # the task runs in the worker, not in the request
    run = wait_for_preview(client, run)
    assert run.status == AllocationRun.Status.READY, run.error
    assert (run.placed, run.unplaced) == (3, 0)
    assert run.parameters["time_limit"] == 5.0
    preview = client.get(preview_url(run)).content.decode()
    assert "Sialkot Surgical" in preview
    assert "Chiniot Carvers" in preview
    assert preview.count('class="stall stall-new') == 3
    assert not StallAllocation.objects.exists()  # a preview changes nothing

    applied = decide(client, run, "apply")

    assert applied.status_code == 302
    placed = dict(StallAllocation.objects.values_list("exhibitor__name", "stall__pavilion__code"))
    assert placed == {"Sialkot Surgical": "B", "Amin Instruments": "B", "Chiniot Carvers": "C"}
    run.refresh_from_db()
    assert (run.status, run.decided_by) == (AllocationRun.Status.APPLIED, floor_manager)
    assert all(allocation.run == run for allocation in StallAllocation.objects.all())
    carvers_stall = StallAllocation.objects.get(exhibitor=venue["Chiniot Carvers"]).stall.code
    notice = wait_for_email(celery_worker, "owner@chiniotcarvers.example.pk")
    assert f"Chiniot Carvers will exhibit at {run.expo.name} on stall {carvers_stall}" in notice


def wait_for_email(mail_dir, recipient: str, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in mail_dir.iterdir():
            text = path.read_text()
            if f"To: {recipient}" in text:
                return text
        time.sleep(0.2)
    raise AssertionError(f"no email to {recipient} after {timeout} s")


@pytest.mark.django_db
def test_discarding_a_preview_changes_nothing(client, floor_manager, venue, django_capture_on_commit_callbacks):
    locked = venue["Sialkot Surgical"]
    services.stall_allocate(exhibitor=locked, stalls=[locked_stall := _stall("H1-B-004")], by=floor_manager)
    before = list(StallAllocation.objects.values_list("pk", "stall_id", "exhibitor_id", "locked"))
    client.force_login(floor_manager)
    run = start_here(client, django_capture_on_commit_callbacks, time_limit="2")
    assert run.status == AllocationRun.Status.READY
    kept = next(row for row in run.diff if row["exhibitor"] == "Sialkot Surgical")
    assert kept["change"] == "unchanged"
    assert kept["after"] == [locked_stall.code]

    response = decide(client, run, "discard")

    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == AllocationRun.Status.DISCARDED
    assert list(StallAllocation.objects.values_list("pk", "stall_id", "exhibitor_id", "locked")) == before
    assert decide(client, run, "apply").status_code == 302
    assert [str(m) for m in get_messages(client.get(preview_url(run)).wsgi_request)] == [
        "Run discarded; no stall changed.",
        "Only a run whose preview is ready can be applied.",
    ]
    assert list(StallAllocation.objects.values_list("pk", "stall_id", "exhibitor_id", "locked")) == before


def _stall(code):
    return Stall.objects.get(code=code)


@pytest.mark.django_db
def test_a_preview_is_refused_once_stalls_were_moved_by_hand_since(
    client, floor_manager, venue, django_capture_on_commit_callbacks
):
    client.force_login(floor_manager)
    run = start_here(client, django_capture_on_commit_callbacks, time_limit="2")
    services.stall_allocate(exhibitor=venue["Chiniot Carvers"], stalls=[_stall("H1-C-002")], by=floor_manager)

    decide(client, run, "apply")

    run.refresh_from_db()
    assert run.status == AllocationRun.Status.READY
    assert list(StallAllocation.objects.values_list("exhibitor__name", "stall__code")) == [
        ("Chiniot Carvers", "H1-C-002")
    ]
    messages = [str(m) for m in get_messages(client.get(preview_url(run)).wsgi_request)]
    assert messages == ["Stalls have been moved since this run started. Discard it and start a new run."]


@pytest.mark.django_db
def test_an_exhibitor_no_pavilion_can_take_is_reported_not_placed(
    client, floor_manager, expo, venue, django_capture_on_commit_callbacks
):
    honey = ClusterFactory(name="Honey, Karak")
    ExhibitorFactory(
        nomination=NominationFactory(expo=expo, cluster=honey, legal_name="Karak Honey", status="approved")
    )
    client.force_login(floor_manager)

    run = start_here(client, django_capture_on_commit_callbacks, time_limit="2")

    assert (run.placed, run.unplaced) == (3, 1)
    row = next(row for row in run.diff if row["exhibitor"] == "Karak Honey")
    assert row["change"] == "unplaced"
    assert row["reason"]
    assert "Karak Honey" in client.get(preview_url(run)).content.decode()


@pytest.mark.django_db
def test_a_run_in_strict_rank_order_says_so_with_each_stage_and_the_locks_that_break_a_rule(
    client, floor_manager, expo, venue, django_capture_on_commit_callbacks
):
    carvers = venue["Chiniot Carvers"]
    services.stall_allocate(exhibitor=carvers, stalls=[_stall("H1-C-001")], by=floor_manager)
    _stall("H1-C-001").pavilion.clusters.clear()  # the pavilion no longer hosts the furniture cluster
    client.force_login(floor_manager)
    start_page = client.get(reverse(START)).content.decode()

    run = start_here(client, django_capture_on_commit_callbacks, time_limit="2", strict_rank="on")
    page = client.get(preview_url(run)).content.decode()

    assert 'name="strict_rank"' in start_page
    assert run.parameters["strict_rank"] is True
    assert [stage["name"] for stage in run.result["stages"]] == ["rank", "count", "preferences"]
    assert run.result["objective"] == "rank_first"
    assert "Strict rank order: the better ranked first, then as many as fit, then the preferences" in page
    assert 'id="run-stages"' in page
    assert "Sum of the placed exhibitors&#x27; rank scores" in page
    carvers_row = next(row for row in run.diff if row["exhibitor"] == "Chiniot Carvers")
    assert carvers_row["after"] == ["H1-C-001"]  # kept, as staff set it
    assert (
        "Chiniot Carvers: locked by staff, but it breaks a rule → Pavilion H1-C · Furniture does not host the cluster "
        "Furniture, Chiniot." in page
    )


@pytest.mark.django_db
def test_a_run_counting_first_is_the_default_and_reports_proven_bounds(
    client, floor_manager, venue, django_capture_on_commit_callbacks
):
    client.force_login(floor_manager)

    run = start_here(client, django_capture_on_commit_callbacks, time_limit="2")
    page = client.get(preview_url(run)).content.decode()

    assert run.parameters["strict_rank"] is False
    stages = {stage["name"]: stage for stage in run.result["stages"]}
    assert list(stages) == ["count", "rank", "preferences"]
    assert (stages["count"]["value"], stages["count"]["bound"], stages["count"]["proven"]) == (3, 3, True)
    assert "As many exhibitors as fit, then the better ranked among them, then the preferences" in page
    assert "0 (proven optimal)" in page
    # The headline fields are the count's, not the last stage's.
    assert (run.first_stage_value, run.first_stage_bound, run.gap) == (3, 3, 0.0)
    # Every stage shows its value and bound in the preview.
    table = page[page.index('id="run-stages"') : page.index("</table>", page.index('id="run-stages"'))]
    for name, label in (("count", "Exhibitors placed"), ("rank", "Sum of the placed exhibitors&#x27; rank scores")):
        row = table[table.index(label) : table.index("</tr>", table.index(label))]
        value, bound = floatformat(stages[name]["value"], "-2"), floatformat(stages[name]["bound"], "-2")
        assert f"<td>{value}</td><td>{bound}</td>" in row
    preferences = table[table.index("Preferences (weighted)") :]
    assert floatformat(stages["preferences"]["bound"], "-2") in preferences


@pytest.mark.django_db
def test_bad_run_parameters_are_refused_next_to_the_field(client, floor_manager, venue):
    client.force_login(floor_manager)

    response = client.post(reverse(START), run_form(time_limit="0", corner_to_ranked="-1"))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "time_limit": ["Ensure this value is greater than or equal to 1."],
        "corner_to_ranked": ["Ensure this value is greater than or equal to 0."],
    }
    assert not AllocationRun.objects.exists()


@pytest.mark.django_db
def test_only_floor_managers_run_apply_or_see_runs(client, reviewer, member, floor_manager, venue):
    client.force_login(floor_manager)
    client.post(reverse(START), run_form(time_limit="2"))
    run = AllocationRun.objects.get()

    client.force_login(reviewer)
    assert client.post(reverse(START), run_form()).status_code == 403
    assert client.get(preview_url(run)).status_code == 403
    assert decide(client, run, "apply").status_code == 403
    client.force_login(member)
    assert client.get(preview_url(run)).status_code == 302  # to the admin login
    assert AllocationRun.objects.count() == 1
    assert not StallAllocation.objects.exists()
