"""Promises of the setup: production settings pass the deploy check, migrations are complete, demo data is stable."""

import os
import subprocess
import sys

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from expo.demo import ADMIN_EMAIL
from expo.models import Cluster, Expo, Sector, TradeBody, User
from expo.roles import STAFF_ROLES
from tests.conftest import demo_load
from tests.realstack import ROOT
from visitors import qr


def _manage(*args, **env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x7#Kq9!vR2$mN5@pL8^wT3&zB6*cF1(hJ4)dG0-sY_uE+iO-deploy-check-only-4Fz",
        ALLOWED_HOSTS="expo.smeda.example",
        EXPO_BADGE_SIGNING_KEY=qr.private_key_text(qr.generate_private_key()),
        DJANGO_SETTINGS_MODULE="expo.settings",
        DJANGO_DEBUG="0",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(("key", "error"), [("", "visitors.E001"), ("not-a-key", "visitors.E002")])
def test_the_deploy_check_refuses_production_without_a_readable_badge_key(key, error):
    result = _manage(
        "check",
        "--deploy",
        SECRET_KEY="x7#Kq9!vR2$mN5@pL8^wT3&zB6*cF1(hJ4)dG0-sY_uE+iO-deploy-check-only-4Fz",
        ALLOWED_HOSTS="expo.smeda.example",
        EXPO_BADGE_SIGNING_KEY=key,
        DJANGO_SETTINGS_MODULE="expo.settings",
        DJANGO_DEBUG="0",
    )

    assert result.returncode != 0
    assert error in result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _manage("check", SECRET_KEY="", DJANGO_SETTINGS_MODULE="expo.settings", DJANGO_DEBUG="0")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_migrations_are_complete():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_staff_roles_exist_as_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= set(STAFF_ROLES)


def _snapshot():
    return {
        "expos": list(Expo.objects.values_list("year", "name", "venue", "start_date", "end_date", "is_current")),
        "sectors": list(Sector.objects.order_by("slug").values_list("slug", "name", "name_ur")),
        "clusters": list(Cluster.objects.order_by("name").values_list("name", "city", "province", "sector__slug")),
        "trade_bodies": list(TradeBody.objects.order_by("name").values_list("name", "short_name", "kind", "city")),
        "users": list(User.objects.order_by("email").values_list("email", "is_staff", "is_superuser")),
    }


@pytest.mark.django_db
def test_demo_data_loads_expo_2026_and_running_it_twice_leaves_the_same_rows(capsys):
    demo_load()
    first = _snapshot()
    demo_load()

    assert _snapshot() == first
    expo = Expo.objects.get(is_current=True)
    assert (expo.year, expo.venue, str(expo.start_date), str(expo.end_date)) == (
        2026,
        "Lahore Expo Centre",
        "2026-01-24",
        "2026-01-26",
    )
    assert Cluster.objects.filter(sector__slug="surgical-instruments", city="Sialkot").exists()
    assert Cluster.objects.filter(sector__slug="furniture", city="Chiniot").exists()
    assert Cluster.objects.count() >= 30
    assert TradeBody.objects.count() >= 12
    assert User.objects.get(email=ADMIN_EMAIL).check_password("expo-demo-2026")
    assert f"Admin login: {ADMIN_EMAIL} / expo-demo-2026" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_data_if_empty_leaves_an_existing_database_alone(capsys):
    Expo.objects.create(
        name="Another",
        year=2031,
        venue="Karachi Expo Centre",
        city="Karachi",
        start_date="2031-02-01",
        end_date="2031-02-03",
        is_current=True,
    )

    demo_load("--if-empty")

    assert list(Expo.objects.values_list("year", flat=True)) == [2031]
    assert "already loaded" in capsys.readouterr().out
