"""Load on the visitors app: a registration burst and gate scans, with locust on loopback.

    .venv/bin/python bench/visitors_load.py [--users 50] [--duration 120] [--scan-duration 60]

It starts, as bench/run.py does, a throwaway PostgreSQL, migrates it, loads the demo data and
serves the portal with gunicorn (2 sync workers, production settings), plus a throwaway Redis as
the broker and cache (no Celery worker: badge emails queue up in Redis, as they would wait for a
busy worker; the worker's side is bench/badge_pdfs.py). The per-address registration limit is
raised for the run, since every locust user comes from 127.0.0.1.

1. Registration burst: --users locust users, each opening /register/ and posting a registration
   with its own email, as fast as they can, for --duration seconds.
2. Check-in: --users gate staff users scanning 500 seeded badges over and over (each scan with a
   new id), for --scan-duration seconds.

It prints locust's requests/s, failures and latency percentiles for each request, checks that
the database holds a registration for every successful post (posts in flight when locust stops
are saved too, uncounted) and at most one check-in per badge, exits with 1 otherwise or on any failed request,
and stops what it started.
"""

import argparse
import csv
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import HOST, Gunicorn, Postgres, log, manage  # noqa: E402 - after the path is set
from tests.realstack import ThrowawayRedis  # noqa: E402
from visitors import qr  # noqa: E402

SEED_SCRIPT = """
import json, sys, uuid
import django
django.setup()
from django.contrib.auth.models import Group
from django.utils import timezone
from expo import roles
from expo.models import Expo, User
from visitors import badges, services
from visitors.models import Gate
today = timezone.localdate()
expo = Expo.objects.get(is_current=True)
expo.start_date = today
expo.end_date = today + __import__("datetime").timedelta(days=2)
expo.registration_opens_at = None
expo.registration_closes_at = None
expo.save()
gate = Gate.objects.filter(expo=expo).first() or services.gate_ensure(expo=expo, name="Bench gate")
codes = []
for number in range(500):
    registration, _ = services.registration_create(
        expo=expo, category="trade_visitor", full_name=f"Seeded {number}", email=f"seed{number}@example.pk",
        phone="+92 300 1234567", organisation="Seed Traders", country="PK", city="Lahore", dates=[today],
        source="desk",
    )
    codes.append(badges.badge_payload(registration.badge))
user = User.objects.create_user(email="gate-bench@example.pk", password=None)
from allauth.account.models import EmailAddress
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
user.groups.add(Group.objects.get(name=roles.GATE_STAFF))
# A signed-in session made here: fifty logins from one address at once would meet allauth's login limit.
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
json.dump({"day": today.isoformat(), "gate": gate.pk, "codes": codes, "session": session.session_key},
          open(sys.argv[1], "w"))
"""

COUNT_SCRIPT = """
import django
django.setup()
from visitors.models import CheckIn, Registration, Scan
print(Registration.objects.filter(email__startswith="load").count(), Scan.objects.count(), CheckIn.objects.count())
"""


def locust(env: dict, host: str, *, users: int, duration: int, prefix: Path, visitor: int, gate: int) -> list[dict]:
    env = {**env, "BENCH_VISITOR_WEIGHT": str(visitor), "BENCH_GATE_WEIGHT": str(gate)}
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locust_visitors.py"), "--headless",
        "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{duration}s", "--host", host,
        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=duration + 120)
    with open(f"{prefix}_stats.csv") as handle:
        return [row for row in csv.DictReader(handle)]


def print_rows(title: str, rows: list[dict]) -> None:
    print(title)
    print(f"  {'request':<22} {'count':>7} {'fail':>5} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)")
    for row in rows:
        print(
            f"  {row['Name']:<22} {row['Request Count']:>7} {row['Failure Count']:>5} "
            f"{float(row['Requests/s']):>7.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=120, help="seconds of the registration burst")
    parser.add_argument("--scan-duration", type=int, default=60, help="seconds of gate scans")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="expo-bench-visitors-"))
    postgres = gunicorn = redis = None
    failed = False
    try:
        postgres = Postgres(workdir)
        postgres.start()
        redis = ThrowawayRedis()
        redis.start()
        env = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}}
        env |= {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": postgres.url,
            "REDIS_URL": redis.url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "EXPO_BADGE_SIGNING_KEY": qr.private_key_text(qr.generate_private_key()),
            "DJANGO_DEBUG": "0",
            "ALLOWED_HOSTS": HOST,
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "EXPO_VAR_DIR": str(workdir / "var"),
            "EXPO_REGISTRATION_RATE_PER_HOUR": "100000000",
            "BENCH_PLAIN_HTTP_COOKIES": "1",
            "CELERY_TASK_ALWAYS_EAGER": "1",  # the seeding below makes its badges in-process
            "LOG_LEVEL": "WARNING",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPATH": str(ROOT),
        }
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        seed = workdir / "seed.json"
        log("seeding 500 badges and a gate staff user")
        subprocess.run([sys.executable, "-c", SEED_SCRIPT, str(seed)], cwd=ROOT, env=env, check=True)
        manage(env, "collectstatic", "--noinput")
        env["CELERY_TASK_ALWAYS_EAGER"] = "0"
        gunicorn = Gunicorn(workdir, env, workers=args.workers, worker_class="sync", threads=1)
        gunicorn.start()
        locust_env = {**env, "BENCH_VISITORS_SEED": str(seed)}

        log(f"registration burst: {args.users} users for {args.duration} s")
        rows = locust(
            locust_env, gunicorn.base_url, users=args.users, duration=args.duration,
            prefix=workdir / "register", visitor=1, gate=0,
        )  # fmt: skip
        print_rows(f"Registration burst, {args.users} users, {args.duration} s:", rows)
        log(f"gate scans: {args.users} users for {args.scan_duration} s")
        scan_rows = locust(
            locust_env, gunicorn.base_url, users=args.users, duration=args.scan_duration,
            prefix=workdir / "scan", visitor=0, gate=1,
        )  # fmt: skip
        print_rows(f"Gate scans, {args.users} users, {args.scan_duration} s:", scan_rows)

        counts = subprocess.run(
            [sys.executable, "-c", COUNT_SCRIPT], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        ).stdout.split()
        registrations, scans, checkins = map(int, counts)
        posted = next(row for row in rows if row["Name"] == "POST /register/")
        ok_posts = int(posted["Request Count"]) - int(posted["Failure Count"])
        print(
            f"Registrations saved: {registrations} (successful posts: {ok_posts}); scans {scans}, check-ins {checkins}"
        )
        failures = sum(int(row["Failure Count"]) for row in rows + scan_rows if row["Name"] != "Aggregated")
        # Posts still in flight when locust stops are saved but not counted by locust: more rows than
        # successful posts is expected, fewer would be a registration lost.
        failed = failures > 0 or registrations < ok_posts or checkins > 500
        print(json.dumps({"failures": failures}))
    finally:
        if gunicorn is not None:
            gunicorn.stop()
        if redis is not None:
            redis.stop()
        if postgres is not None:
            postgres.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
