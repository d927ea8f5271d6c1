import pytest

from expo import roles
from tests.conftest import add_to_role
from tests.factories import ExpoFactory, GateFactory, UserFactory


@pytest.fixture
def expo(db):
    """The current expo (``db`` follows the test's marker: transactional where asked)."""
    return ExpoFactory()


@pytest.fixture
def gate(expo):
    return GateFactory(expo=expo, name="Gate 1")


@pytest.fixture
def gate_staff(db):
    user = UserFactory()
    add_to_role(user, roles.GATE_STAFF)
    return user


@pytest.fixture
def desk_staff(db):
    user = UserFactory()
    add_to_role(user, roles.REGISTRATION_DESK)
    return user


@pytest.fixture
def someone(db):
    """A signed-in person with no visitors role: an outsider to every staff page."""
    return UserFactory()
