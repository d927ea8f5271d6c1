import pytest

from expo import roles
from tests.conftest import staff_member
from tests.factories import ClusterFactory, ExpoFactory, HallFactory, PavilionFactory


@pytest.fixture
def expo(db):
    return ExpoFactory(is_current=True)


@pytest.fixture
def floor_manager(db):
    return staff_member(roles.FLOOR_MANAGERS, full_name="Sana Iqbal")


@pytest.fixture
def reviewer(db):
    """Staff without the floor managers' role: must not touch stalls."""
    return staff_member(roles.NOMINATION_REVIEWERS, full_name="Bilal Ahmed")


@pytest.fixture
def surgical(db):
    return ClusterFactory(name="Surgical instruments, Sialkot")


@pytest.fixture
def hall(expo):
    return HallFactory(expo=expo, code="H1", name="Hall 1", width=60, depth=40)


@pytest.fixture
def pavilion(hall, surgical):
    """Pavilion B: x 2–22 m, y 2–14 m, hosting the surgical cluster."""
    return PavilionFactory(hall=hall, code="B", name="Surgical instruments", clusters=[surgical])
