import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import cache

from tests.factories import MembershipFactory, StaffFactory, TradeBodyFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    """The cache is a real Redis shared by all tests; rate-limit counters must not leak between them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def trade_body(db):
    return TradeBodyFactory(name="Sialkot Chamber of Commerce and Industry", short_name="SCCI")


@pytest.fixture
def member(trade_body):
    """A user of ``trade_body``: the owner in permission tests."""
    return MembershipFactory(trade_body=trade_body).user


@pytest.fixture
def outsider(db):
    """A member of another trade body, holding data that must not leak."""
    return MembershipFactory(trade_body=TradeBodyFactory(name="Karachi Chamber of Commerce and Industry")).user


@pytest.fixture
def staff_with_mfa(db):
    """A superuser staff member with a TOTP authenticator; ``.totp_secret`` makes codes."""
    user = StaffFactory(is_superuser=True)
    user.totp_secret = generate_totp_secret()
    TOTP.activate(user, user.totp_secret)
    return user
