import pytest

from tests.factories import ExpoFactory, HallFactory, RoomFactory


@pytest.fixture
def expo(db):
    """The current expo (``db`` follows the test's marker: transactional where asked)."""
    return ExpoFactory()


@pytest.fixture
def hall(expo):
    return HallFactory(expo=expo, code="H1", name="Hall 1")


@pytest.fixture
def room(hall):
    return RoomFactory(hall=hall, name="Seminar room A", capacity=60)
