"""Fixtures of the awards' tests: an edition, a trade body and its exhibitor (the owners), and an outsider trade
body and exhibitor holding data that must not leak."""

import io

import pytest
from pypdf import PdfWriter

from tests.factories import (
    AwardCategoryFactory,
    ExhibitorFactory,
    ExhibitorMembershipFactory,
    ExpoFactory,
    MembershipFactory,
    TradeBodyFactory,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def expo(db):
    return ExpoFactory(year=2026, name="SME Cluster Expo 2026")


@pytest.fixture
def category(expo):
    return AwardCategoryFactory(expo=expo, name="Best export newcomer")


@pytest.fixture
def chamber(db):
    return TradeBodyFactory(name="Sialkot Chamber of Commerce and Industry", short_name="SCCI")


@pytest.fixture
def chamber_member(chamber):
    return MembershipFactory(trade_body=chamber).user


@pytest.fixture
def exhibitor(expo, chamber):
    return ExhibitorFactory(nomination__expo=expo, nomination__trade_body=chamber, name="Sialkot Surgical Works")


@pytest.fixture
def exhibitor_member(exhibitor):
    return ExhibitorMembershipFactory(exhibitor=exhibitor).user


@pytest.fixture
def other_chamber(db):
    return TradeBodyFactory(name="Karachi Chamber of Commerce and Industry", short_name="KCCI")


@pytest.fixture
def other_exhibitor(expo, other_chamber):
    return ExhibitorFactory(nomination__expo=expo, nomination__trade_body=other_chamber, name="Karachi Leather Co")


@pytest.fixture
def other_chamber_member(other_chamber):
    return MembershipFactory(trade_body=other_chamber).user


@pytest.fixture
def other_exhibitor_member(other_exhibitor):
    return ExhibitorMembershipFactory(exhibitor=other_exhibitor).user


def pdf_bytes(pages: int = 1) -> bytes:
    """A real, plain PDF document."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
