import importlib
import time

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
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


def staff_groups_ensure() -> None:
    """Put back the staff groups and their permissions as the migrations made them.

    A transactional test (browser, worker, concurrency) ends by emptying every table, the rows the
    data migrations wrote included; a later test that signs in a member of staff calls this first.
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    from expo import roles

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for name in roles.STAFF_ROLES:
        Group.objects.get_or_create(name=name)
    reviewers = importlib.import_module("exhibitors.migrations.0002_certifications_and_reviewer_permissions")
    Group.objects.get(name=roles.NOMINATION_REVIEWERS).permissions.add(
        *Permission.objects.filter(content_type__app_label="exhibitors", codename__in=reviewers.REVIEWER_PERMISSIONS)
    )
    floor = importlib.import_module("pavilions.migrations.0002_floor_manager_permissions")
    Group.objects.get(name=roles.FLOOR_MANAGERS).permissions.add(
        *Permission.objects.filter(
            content_type__app_label="pavilions", content_type__model__in=floor.FLOOR_MANAGER_MODELS
        ),
        *Permission.objects.filter(content_type__app_label="exhibitors", codename="view_exhibitor"),
    )
    visitors = importlib.import_module("visitors.migrations.0005_grant_staff_permissions")
    for role, codenames in (
        (roles.GATE_STAFF, visitors.GATE_STAFF_PERMISSIONS),
        (roles.REGISTRATION_DESK, visitors.REGISTRATION_DESK_PERMISSIONS),
    ):
        Group.objects.get(name=role).permissions.add(
            *Permission.objects.filter(content_type__app_label="visitors", codename__in=codenames)
        )
    matchmaking = importlib.import_module("matchmaking.migrations.0002_matchmaking_desk_permissions")
    desk = Group.objects.get(name=roles.MATCHMAKING_DESK)
    desk.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="matchmaking", content_type__model__in=matchmaking.MATCHMAKING_DESK_MODELS
        )
    )
    for app_label, codename in matchmaking.LOOKUPS:
        desk.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))
    held = importlib.import_module("matchmaking.migrations.0006_leads_and_followup")
    desk.permissions.add(
        *Permission.objects.filter(content_type__app_label="matchmaking", codename__in=held.DESK_PERMISSIONS)
    )
    programme = importlib.import_module("programme.migrations.0002_grant_staff_permissions")
    Group.objects.get(name=roles.FLOOR_MANAGERS).permissions.add(
        *Permission.objects.filter(
            content_type__app_label="programme", content_type__model__in=programme.FLOOR_MANAGER_MODELS
        )
    )
    Group.objects.get(name=roles.AWARDS_SECRETARIAT).permissions.add(
        *Permission.objects.filter(
            content_type__app_label="programme", codename__in=programme.AWARDS_SECRETARIAT_PERMISSIONS
        )
    )
    rsvps = importlib.import_module("programme.migrations.0005_grant_rsvp_permissions")
    for role in (roles.FLOOR_MANAGERS, roles.AWARDS_SECRETARIAT):
        Group.objects.get(name=role).permissions.add(
            *Permission.objects.filter(content_type__app_label="programme", codename__in=rsvps.RSVP_PERMISSIONS)
        )
    attendance = importlib.import_module("programme.migrations.0007_grant_attendance_permissions")
    for role, codenames in (
        (roles.GATE_STAFF, attendance.GATE_STAFF_PERMISSIONS),
        (roles.FLOOR_MANAGERS, attendance.FLOOR_MANAGER_PERMISSIONS),
    ):
        Group.objects.get(name=role).permissions.add(
            *Permission.objects.filter(content_type__app_label="programme", codename__in=codenames)
        )
    awards = importlib.import_module("awards.migrations.0002_grant_awards_permissions")
    awards_permissions = Permission.objects.filter(content_type__app_label="awards")
    Group.objects.get(name=roles.AWARDS_SECRETARIAT).permissions.add(
        *awards_permissions.filter(content_type__model__in=awards.SECRETARIAT_MODELS),
        *awards_permissions.filter(codename__in=awards.SECRETARIAT_PERMISSIONS),
    )
    Group.objects.get_or_create(name=awards.JURORS)[0].permissions.add(
        *awards_permissions.filter(codename__in=awards.JUROR_PERMISSIONS)
    )
    support = importlib.import_module("support.migrations.0002_support_desk_role")
    support_desk = Group.objects.get(name=roles.SUPPORT_DESK)
    support_models = Permission.objects.filter(content_type__app_label="support")
    support_desk.permissions.add(*support_models.filter(content_type__model__in=support.SUPPORT_DESK_MODELS))
    for app_label, codename in support.LOOKUPS:
        support_desk.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))
    desk.permissions.add(*support_models.filter(codename=support.FOLLOWUP_PERMISSION))
    insights = importlib.import_module("insights.migrations.0002_management_role")
    Group.objects.get(name=roles.MANAGEMENT).permissions.add(
        *Permission.objects.filter(content_type__app_label="insights", codename__in=insights.MANAGEMENT_PERMISSIONS)
    )


def demo_load(*args: str) -> None:
    """``manage.py load_demo`` as ``make run`` calls it after migrating: with the staff groups the demo's people
    join in place (a transactional test may have emptied them)."""
    from django.core.management import call_command

    staff_groups_ensure()
    call_command("load_demo", *args)


def add_to_role(user, role: str, *, mfa: bool = True) -> None:
    """Make ``user`` a member of a staff role, with the permissions the migrations grant the role and, unless
    ``mfa`` is false, the authenticator every staff page requires (``user.totp_secret`` makes its codes)."""
    from django.contrib.auth.models import Group

    staff_groups_ensure()
    user.groups.add(Group.objects.get(name=role))
    if mfa:
        with_totp(user)


def with_totp(user):
    """Set up a TOTP authenticator for ``user``; ``user.totp_secret`` makes codes."""
    user.totp_secret = generate_totp_secret()
    TOTP.activate(user, user.totp_secret)
    return user


def totp_code(user) -> str:
    """The code ``user``'s authenticator (set up by ``with_totp``) shows now, with at least 10 s of its 30 s step
    left: near the end of a step it waits for the next, as a busy server can take seconds to check the code."""
    if time.time() % 30 > 20:
        time.sleep(30.5 - time.time() % 30)
    return format_hotp_value(hotp_value(user.totp_secret, next(yield_hotp_counters_from_time())))


def staff_member(role: str | None = None, **kwargs):
    """A member of staff with an authenticator set up, as the admin requires; in ``role`` when given."""
    user = with_totp(StaffFactory(**kwargs))
    if role:
        add_to_role(user, role, mfa=False)
    return user
