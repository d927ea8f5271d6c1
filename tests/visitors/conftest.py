import pytest
from django.contrib.auth.models import Group

from expo import roles
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
    user.groups.add(Group.objects.get_or_create(name=roles.GATE_STAFF)[0])
    return user


@pytest.fixture
def desk_staff(db):
    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name=roles.REGISTRATION_DESK)[0])
    return user


@pytest.fixture
def someone(db):
    """A signed-in person with no visitors role: an outsider to every staff page."""
    return UserFactory()
