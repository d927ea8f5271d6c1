"""The demo programme of Expo 2026 loads with the demo command, twice without duplicates, and shows publicly."""

import pytest
from django.urls import reverse
from django.utils import timezone

from programme.models import Room, Session, Speaker
from tests.conftest import demo_load

pytestmark = pytest.mark.django_db

WORKSHOP = "Bananas in Pakistan's Bio-economy: Transforming Waste into Textile"


def test_demo_programme_loads_twice_and_is_shown(client):
    demo_load()
    counts = (Room.objects.count(), Session.objects.count(), Speaker.objects.count())
    demo_load()

    assert (Room.objects.count(), Session.objects.count(), Speaker.objects.count()) == counts == (3, 5, 4)
    opening = Session.objects.get(title="Opening ceremony")
    assert (opening.kind, timezone.localtime(opening.starts_at).hour) == ("ceremony", 10)
    workshop = Session.objects.get(title=WORKSHOP)
    assert workshop.rsvp_required
    assert workshop.sectors.count() == 2
    assert Session.objects.get(kind="awards").no_meetings_during
    page = client.get(reverse("programme")).content.decode()
    assert "Opening ceremony" in page
    assert "Bananas in Pakistan&#x27;s Bio-economy" in page
