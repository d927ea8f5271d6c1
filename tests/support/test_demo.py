"""The demo support desk loads with the demo command, twice without duplicates, its requests routed by its rules."""

import pytest

from support.models import RoutingRule, SupportRequest, SupportTeam
from tests.conftest import demo_load

pytestmark = pytest.mark.django_db


def test_demo_support_desk_loads_twice_with_routed_requests():
    demo_load()
    counts = (SupportTeam.objects.count(), RoutingRule.objects.count(), SupportRequest.objects.count())
    demo_load()

    assert (SupportTeam.objects.count(), RoutingRule.objects.count(), SupportRequest.objects.count()) == counts
    assert counts == (7, 10, 3)
    routed = sorted(SupportRequest.objects.values_list("kind", "team__name", "status"))
    assert routed == [
        ("certification", "Quality and certification", "in_progress"),
        ("digital_onboarding", "Digital onboarding", "answered"),
        ("finance", "Access to finance", "new"),
    ]
    assert all(request.due_on for request in SupportRequest.objects.all())
