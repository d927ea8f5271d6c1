"""Laying out a hall in the admin: rows of stalls in one go, single stalls edited by hand, geometry checked."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pavilions.models import Stall
from tests.factories import PavilionFactory, StallFactory

pytestmark = pytest.mark.django_db

ROWS = "admin:pavilions_pavilion_rows"


def rows_data(**overrides):
    data = {
        "x": "3",
        "y": "3",
        "stall_width": "3",
        "stall_depth": "3",
        "per_row": "4",
        "rows": "2",
        "aisle": "3",
        "back_to_back": "on",
    }
    return data | overrides


def test_rows_of_stalls_are_laid_out_numbered_and_their_open_sides_counted(client, floor_manager, pavilion):
    client.force_login(floor_manager)

    response = client.post(reverse(ROWS, args=[pavilion.pk]), rows_data())

    assert response.status_code == 302
    stalls = {stall.code: stall for stall in Stall.objects.filter(pavilion=pavilion)}
    assert sorted(stalls) == [f"H1-B-{n:03d}" for n in range(1, 9)]
    second_row = stalls["H1-B-005"]
    assert (second_row.x, second_row.y) == (Decimal("3.00"), Decimal("6.00"))  # back to back: no aisle
    assert stalls["H1-B-001"].open_sides == Stall.OpenSides.CORNER  # end of a row pair: front and side open
    assert stalls["H1-B-002"].open_sides == Stall.OpenSides.IN_LINE


def test_more_rows_continue_the_numbering_after_an_aisle(client, floor_manager, pavilion):
    client.force_login(floor_manager)
    client.post(reverse(ROWS, args=[pavilion.pk]), rows_data(rows="1", per_row="2"))

    client.post(reverse(ROWS, args=[pavilion.pk]), rows_data(y="9", rows="1", per_row="2"))

    assert list(Stall.objects.filter(pavilion=pavilion).values_list("code", flat=True)) == [
        "H1-B-001",
        "H1-B-002",
        "H1-B-003",
        "H1-B-004",
    ]


def test_rows_overlapping_an_existing_stall_are_refused_naming_both_and_nothing_is_saved(
    client, floor_manager, pavilion
):
    StallFactory(pavilion=pavilion, code="H1-B-001", x=4, y=3)
    client.force_login(floor_manager)

    response = client.post(reverse(ROWS, args=[pavilion.pk]), rows_data())

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Stall H1-B-002 overlaps stall H1-B-001."]
    assert Stall.objects.filter(pavilion=pavilion).count() == 1


def test_rows_running_out_of_the_pavilion_are_refused_and_nothing_is_saved(client, floor_manager, pavilion):
    client.force_login(floor_manager)

    response = client.post(reverse(ROWS, args=[pavilion.pk]), rows_data(per_row="7"))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Stall H1-B-007 lies outside pavilion H1-B (x 2.00–22.00 m, y 2.00–14.00 m)."
    ]
    assert not Stall.objects.filter(pavilion=pavilion).exists()


def test_rows_with_bad_numbers_show_errors_next_to_the_fields(client, floor_manager, pavilion):
    client.force_login(floor_manager)

    response = client.post(reverse(ROWS, args=[pavilion.pk]), rows_data(stall_width="0", per_row="0", x="-1"))

    form = response.context["form"]
    assert form.errors["stall_width"] == ["Must be more than 0 m."]
    assert form.errors["per_row"] == ["Ensure this value is greater than or equal to 1."]
    assert form.errors["x"] == ["Ensure this value is greater than or equal to 0."]
    assert not Stall.objects.exists()


def stall_form(pavilion, **overrides):
    data = {"pavilion": pavilion.pk, "code": "H1-B-020", "x": "10", "y": "3", "width": "3", "depth": "3"}
    return data | {"status": "available", "note": ""} | overrides


def test_a_stall_added_by_hand_overlapping_another_is_refused_naming_both(client, floor_manager, pavilion):
    StallFactory(pavilion=pavilion, code="H1-B-001", x=10, y=3)
    client.force_login(floor_manager)

    response = client.post(reverse("admin:pavilions_stall_add"), stall_form(pavilion, x="11.5"))

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == ["Stall H1-B-020 overlaps stall H1-B-001."]
    assert Stall.objects.count() == 1


def test_a_stall_moved_outside_its_pavilion_is_refused(client, floor_manager, pavilion):
    stall = StallFactory(pavilion=pavilion, code="H1-B-001", x=10, y=3)
    client.force_login(floor_manager)

    response = client.post(reverse("admin:pavilions_stall_change", args=[stall.pk]), stall_form(pavilion, x="21"))

    assert response.status_code == 200
    assert "lies outside pavilion H1-B" in response.context["adminform"].form.non_field_errors()[0]
    stall.refresh_from_db()
    assert stall.x == Decimal("10.00")


def test_stalls_touching_edge_to_edge_are_allowed_and_become_neighbours(client, floor_manager, pavilion):
    StallFactory(pavilion=pavilion, code="H1-B-001", x=10, y=3)
    client.force_login(floor_manager)

    response = client.post(reverse("admin:pavilions_stall_add"), stall_form(pavilion, x="13"))

    assert response.status_code == 302
    assert dict(Stall.objects.values_list("code", "open_sides")) == {"H1-B-001": 3, "H1-B-020": 3}


def test_stalls_of_two_pavilions_in_one_hall_cannot_overlap(client, floor_manager, pavilion):
    neighbour = PavilionFactory(hall=pavilion.hall, code="C", x=10, y=2, width=20, depth=12)
    StallFactory(pavilion=pavilion, code="H1-B-001", x=12, y=3)
    client.force_login(floor_manager)

    response = client.post(reverse("admin:pavilions_stall_add"), stall_form(neighbour, code="H1-C-001", x="13"))

    assert response.context["adminform"].form.non_field_errors() == ["Stall H1-C-001 overlaps stall H1-B-001."]


def test_staff_without_the_floor_role_and_visitors_cannot_lay_out_stalls(client, reviewer, member, pavilion):
    url = reverse(ROWS, args=[pavilion.pk])
    client.force_login(reviewer)
    assert client.post(url, rows_data()).status_code == 403
    assert client.get(reverse("admin:pavilions_stall_add")).status_code == 403
    client.force_login(member)
    assert client.post(url, rows_data()).status_code == 302  # to the admin login
    client.logout()
    assert client.post(url, rows_data()).status_code == 302
    assert not Stall.objects.exists()


def test_the_staff_plan_shows_each_stall_in_its_status_colour(client, floor_manager, reviewer, pavilion):
    StallFactory(pavilion=pavilion, code="H1-B-001", x=3, y=3)
    StallFactory(pavilion=pavilion, code="H1-B-002", x=6, y=3, status=Stall.Status.HELD)
    StallFactory(pavilion=pavilion, code="H1-B-003", x=9, y=3, status=Stall.Status.BLOCKED)
    url = reverse("admin:pavilions_hall_plan", args=[pavilion.hall.pk])
    client.force_login(floor_manager)

    page = client.get(url).content.decode()

    assert re.findall(r'class="stall stall-(\w+)" id="stall-([\w-]+)"', page) == [
        ("available", "H1-B-001"),
        ("held", "H1-B-002"),
        ("blocked", "H1-B-003"),
    ]
    client.force_login(reviewer)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("changelist", ["stall", "pavilion", "hall", "stallallocation", "allocationrun"])
def test_admin_lists_cost_the_same_queries_with_few_or_many_rows(client, floor_manager, pavilion, changelist):
    from pavilions.models import StallAllocation
    from tests.factories import ExhibitorFactory, NominationFactory

    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            stall = StallFactory(pavilion=pavilion, code=f"H1-B-{n:03d}", x=2 + 3 * (n % 6), y=2 + 3 * (n // 6 % 4))
            nomination = NominationFactory(expo=pavilion.hall.expo, status="approved")
            StallAllocation.objects.create(stall=stall, exhibitor=ExhibitorFactory(nomination=nomination))
            PavilionFactory(hall=pavilion.hall, code=f"P{n}", clusters=[nomination.cluster])

    client.force_login(floor_manager)
    url = reverse(f"admin:pavilions_{changelist}_changelist")
    add(1, 0)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(12, 1)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200

    assert len(many) == len(few)


def test_cluster_capacities_follow_the_stalls_laid_out(client, floor_manager, pavilion, surgical):
    from exhibitors.models import ClusterCapacity
    from tests.factories import ClusterFactory

    furniture = ClusterFactory(name="Furniture, Chiniot")
    PavilionFactory(hall=pavilion.hall, code="O", name="Overflow", x=30, y=2, clusters=[surgical, furniture])
    client.force_login(floor_manager)

    client.post(reverse(ROWS, args=[pavilion.pk]), rows_data())  # 8 stalls for surgical alone
    overflow = pavilion.hall.pavilions.get(code="O")
    client.post(reverse(ROWS, args=[overflow.pk]), rows_data(x="31", per_row="2", rows="2"))  # 4 shared by two

    assert dict(ClusterCapacity.objects.values_list("cluster__name", "exhibitors")) == {
        "Surgical instruments, Sialkot": 10,
        "Furniture, Chiniot": 2,
    }


def test_an_l_shaped_pavilion_takes_stalls_only_inside_its_outline(client, floor_manager, pavilion):
    pavilion.outline = "2,2 22,2 22,8 12,8 12,14 2,14"  # the back right corner is cut away
    pavilion.full_clean()
    pavilion.save()
    client.force_login(floor_manager)

    in_the_corner = client.post(reverse(ROWS, args=[pavilion.pk]), rows_data(x="15", y="9", per_row="2", rows="1"))
    in_the_l = client.post(reverse(ROWS, args=[pavilion.pk]), rows_data(x="3", y="9", per_row="3", rows="1"))

    assert in_the_corner.context["form"].non_field_errors()[0].startswith("Stall H1-B-001 lies outside pavilion H1-B")
    assert in_the_l.status_code == 302
    assert Stall.objects.filter(pavilion=pavilion).count() == 3
    page = client.get(reverse("floor_plan_hall", args=["H1"])).content.decode()
    assert '<polygon points="2,2 22,2 22,8 12,8 12,14 2,14"' in page


def pavilion_form(pavilion, **overrides):
    data = {
        "hall": pavilion.hall.pk,
        "code": pavilion.code,
        "name": pavilion.name,
        "kind": "cluster",
        "colour": "#dbe9f6",
        "x": "2",
        "y": "2",
        "width": "20",
        "depth": "12",
        "outline": "",
    }
    return data | overrides


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"outline": "2,2 22,2"}, "outline", "Write at least three corners as x,y pairs separated by spaces."),
        ({"outline": "2,2 40,2 40,14"}, "outline", "The outline goes beyond the rectangle of x, y, width and depth."),
        ({"colour": "blue"}, "colour", "Enter a colour as #RRGGBB."),
        ({"code": "b-1"}, "code", "Use 1 to 6 capital letters or digits."),
        ({"width": "0"}, "width", "Must be more than 0 m."),
    ],
)
def test_a_pavilion_with_bad_shape_or_fields_is_refused_next_to_the_field(
    client, floor_manager, pavilion, changes, field, message
):
    client.force_login(floor_manager)

    response = client.post(
        reverse("admin:pavilions_pavilion_change", args=[pavilion.pk]), pavilion_form(pavilion, **changes)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]


def test_a_pavilion_beyond_its_hall_is_refused(client, floor_manager, pavilion):
    client.force_login(floor_manager)

    response = client.post(
        reverse("admin:pavilions_pavilion_change", args=[pavilion.pk]), pavilion_form(pavilion, x="50")
    )

    assert response.context["adminform"].form.non_field_errors() == [
        "The pavilion does not fit in hall H1 (60.00 × 40.00 m)."
    ]
