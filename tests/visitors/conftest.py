import datetime

import pytest
from django.utils import timezone

from expo import roles
from tests.conftest import add_to_role, staff_groups_ensure, staff_member
from tests.factories import ExpoFactory, GateFactory, UserFactory


@pytest.fixture
def expo(db):
    """The current expo (``db`` follows the test's marker: transactional where asked)."""
    return ExpoFactory()


@pytest.fixture
def running_expo(db):
    """The current expo, open today and tomorrow: its gates let people in today."""
    today = timezone.localdate()
    return ExpoFactory(start_date=today, end_date=today + datetime.timedelta(days=1))


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


@pytest.fixture
def desk_admin(db):
    """A member of the Registration desk role who works in the admin (staff, with an authenticator)."""
    from django.contrib.auth.models import Group

    user = staff_member()
    staff_groups_ensure()
    user.groups.add(Group.objects.get(name=roles.REGISTRATION_DESK))
    return user
