"""An edition with something in every open dataset, and the helpers that add to it and fetch its files."""

import csv
import datetime
import io
import re
import uuid

import pytest
from django.utils import timezone

from awards.models import Result
from matchmaking.models import Meeting
from opendata.datasets import DATASETS
from pavilions.models import StallAllocation
from tests.factories import (
    AwardCandidateFactory,
    AwardCategoryFactory,
    ClusterFactory,
    ExhibitorFactory,
    ExhibitorParticipantFactory,
    ExhibitorProductFactory,
    ExpoFactory,
    GateFactory,
    MeetingRequestFactory,
    SectorFactory,
    SlotFactory,
    StallFactory,
    TableFactory,
    VisitorParticipantFactory,
    register_visitor,
)
from visitors.models import CheckIn, Scan

FILE_LINK = re.compile(r'href="(/open-data/\d+/[^"]+\.csv)"')


@pytest.fixture
def cluster(db):
    return ClusterFactory(
        sector=SectorFactory(name="Surgical instruments", name_ur="جراحی آلات", slug="surgical"),
        name="Surgical instruments, Sialkot",
        city="Sialkot",
    )


@pytest.fixture
def edition(db):
    """The current edition, 24–26 January of its year."""
    return ExpoFactory(is_current=True)


def exhibitor_at(edition, cluster, **fields):
    return ExhibitorFactory(nomination__expo=edition, nomination__cluster=cluster, **fields)


def stall_for(exhibitor, *, code: str, pavilion=None):
    """A 3 × 3 m stall given to ``exhibitor`` (in ``pavilion``, else in a hall of its own)."""
    stall = (
        StallFactory(pavilion=pavilion, code=code)
        if pavilion
        else StallFactory(pavilion__hall__expo=exhibitor.expo, code=code)
    )
    StallAllocation.objects.create(stall=stall, exhibitor=exhibitor)
    return stall


def check_in(badge, *, day: datetime.date) -> CheckIn:
    """``badge`` let in at a gate on ``day``, as the gate's scan records it."""
    gate = GateFactory(expo=badge.expo)
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    scan = Scan.objects.create(scan_id=uuid.uuid4(), gate=gate, badge=badge, outcome="welcome", scanned_at=at)
    return CheckIn.objects.create(badge=badge, day=day, gate=gate, scanned_at=at, scan=scan)


def meeting_between(registration, exhibitor, *, accepted: bool = True, scheduled: bool = True):
    """A buyer's meeting request to ``exhibitor``, accepted and scheduled unless told otherwise."""
    request = MeetingRequestFactory(
        sender=VisitorParticipantFactory(expo=exhibitor.expo, registration=registration),
        receiver=ExhibitorParticipantFactory(exhibitor=exhibitor),
        status="accepted" if accepted else "pending",
    )
    if scheduled:
        Meeting.objects.create(
            expo=exhibitor.expo,
            request=request,
            slot=SlotFactory(expo=exhibitor.expo),
            table=TableFactory(expo=exhibitor.expo),
        )
    return request


def award_won(exhibitor, *, category_name: str, published: bool = True) -> Result:
    category = AwardCategoryFactory(expo=exhibitor.expo, name=category_name)
    candidate = AwardCandidateFactory(category=category, exhibitor=exhibitor)
    now = timezone.now()
    return Result.objects.create(
        category=category,
        candidate=candidate,
        rank=1,
        place="winner",
        score=1.5,
        approved_at=now,
        published_at=now if published else None,
    )


@pytest.fixture
def filled_edition(edition, cluster):
    """One of everything each dataset shows."""
    exhibitor = exhibitor_at(
        edition, cluster, name="Hilal Surgical", slug="hilal-surgical", women_led=True, nomination__size_class="micro"
    )
    ExhibitorProductFactory(exhibitor=exhibitor, name="Dissecting forceps", hs_code="9018.90")
    stall_for(exhibitor, code="H1-A-001")
    registration = register_visitor(edition, category="buyer", designation="Head of sourcing", country="KE")
    check_in(registration.badge, day=edition.start_date)
    meeting_between(registration, exhibitor)
    award_won(exhibitor, category_name="Best exporter")
    return edition


def csv_rows(response) -> list[list[str]]:
    """The rows of a CSV download, its byte order mark dropped."""
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def open_files(client, expo) -> dict[str, list[list[str]]]:
    """Every CSV the edition's page offers, by address, as rows."""
    page = client.get(f"/open-data/{expo.year}/")
    assert page.status_code == 200
    links = FILE_LINK.findall(page.content.decode())
    assert len(links) == 2 * len(DATASETS)
    files = {}
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        files[link] = csv_rows(response)
    return files
