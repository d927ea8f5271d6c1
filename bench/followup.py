"""Time, queries per lead and peak memory of a follow-up run over 20,000 open leads, on PostgreSQL.

    .venv/bin/python bench/followup.py [--leads 20000] [--baseline-emails 2000]

It starts a throwaway PostgreSQL (as bench/run.py does), migrates it and loads the demo data, then, in a child
process, bulk-inserts --leads open leads spread over the demo's exhibitors (each with its members), each with a
visitor of its own (a bulk-inserted registration, one in five reading Urdu), made the day before the expo's
last day. It then runs ``matchmaking.followup.follow_ups_send`` as beat's task does:

* at the +7 days step, timed (wall and CPU seconds), with every SQL statement counted;
* again at the same moment: nothing left to send, the cost of an idle hourly run over the claimed leads;
* at the +30 days step, under tracemalloc, for the peak of traced Python memory.

The baseline, measured in the same child, is the outbox alone: ``expo.services.email_queue`` of the same
template for --baseline-emails emails (the floor of any email the portal sends, one row each). The run's cost
per email is given as a ratio to it, by wall time and by CPU time (the one to read on a loaded machine).
Emails are queued to a throwaway Redis and not delivered: delivery is the outbox's own work. PostgreSQL and
Redis are stopped by their process ids.
"""

import argparse
import datetime
import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class QueryCounter:
    """Counts the statements sent to the database (``connection.execute_wrapper``), without keeping them."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _seed(leads: int):
    """Open leads, each with a registration of its own, over the demo's exhibitors; the expo and the moment."""
    from django.db import transaction
    from django.utils import timezone

    from exhibitors.models import Exhibitor, ExhibitorMembership
    from expo.models import Expo, User
    from matchmaking.models import Lead
    from matchmaking.sequence_defaults import follow_up_steps_seed
    from visitors.models import Registration

    expo = Expo.objects.get(is_current=True)
    follow_up_steps_seed(expo)
    exhibitors = list(Exhibitor.objects.filter(expo=expo).order_by("pk"))
    with_members = set(
        ExhibitorMembership.objects.filter(exhibitor__in=exhibitors).values_list("exhibitor_id", flat=True)
    )
    lacking = [exhibitor for exhibitor in exhibitors if exhibitor.pk not in with_members]
    users = User.objects.bulk_create(User(email=f"bench.member{e.pk}@example.pk") for e in lacking)
    ExhibitorMembership.objects.bulk_create(
        ExhibitorMembership(exhibitor=exhibitor, user=user) for exhibitor, user in zip(lacking, users, strict=True)
    )
    made = datetime.datetime.combine(expo.end_date, datetime.time(12), tzinfo=datetime.UTC)
    now = timezone.now()
    with transaction.atomic():
        registrations = Registration.objects.bulk_create(
            (
                Registration(
                    expo=expo,
                    category="trade_visitor",
                    full_name=f"Bench Visitor {n:05d}",
                    email=f"bench.visitor{n:05d}@example.pk",
                    phone="+92 300 1234567",
                    organisation=f"Bench Traders {n:05d}",
                    country="PK",
                    city="Lahore",
                    consent_at=now,
                    language="ur" if n % 5 == 0 else "en",
                    site_url="http://127.0.0.1/",
                )
                for n in range(leads)
            ),
            batch_size=2000,
        )
        Lead.objects.bulk_create(
            (
                Lead(
                    expo=expo,
                    exhibitor=exhibitors[n % len(exhibitors)],
                    registration=registration,
                    source=Lead.Source.STALL_SCAN,
                    interest_product="Surgical scissors, 2,000 a month",
                    created_at=made,
                )
                for n, registration in enumerate(registrations)
            ),
            batch_size=2000,
        )
    return expo, len(exhibitors)


def _timed(function):
    wall, cpu = time.perf_counter(), time.process_time()
    value = function()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def child(leads: int, baseline_emails: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from exhibitors.models import ExhibitorMembership
    from expo.models import OutboundEmail
    from expo.services import email_queue
    from matchmaking import followup
    from matchmaking.models import FollowUpEmail, FollowUpStep, Lead

    expo, exhibitors = _seed(leads)
    members = ExhibitorMembership.objects.filter(exhibitor__expo=expo).count()
    steps = {step.days_after: step for step in FollowUpStep.objects.filter(expo=expo).select_related("expo")}
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    counter = QueryCounter()
    at_7 = followup.step_due_at(steps[7]) + datetime.timedelta(hours=1)
    with connection.execute_wrapper(counter):
        sent, wall, cpu = _timed(lambda: followup.follow_ups_send(now=at_7))
    queries = counter.count
    idle = QueryCounter()
    with connection.execute_wrapper(idle):
        again, idle_wall, _idle_cpu = _timed(lambda: followup.follow_ups_send(now=at_7))
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    claims = FollowUpEmail.objects.filter(step=steps[7]).count()
    if not (claims == 2 * leads and again == 0 and sent == OutboundEmail.objects.filter(template="followup").count()):
        raise RuntimeError(f"the run did not claim each email once: {claims} claims, {sent} sent, {again} again")

    tracemalloc.start()
    at_30 = followup.step_due_at(steps[30]) + datetime.timedelta(hours=1)
    sent_30 = followup.follow_ups_send(now=at_30)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    # The baseline: the outbox alone, the same template and context, one email at a time.
    lead = Lead.objects.select_related("exhibitor", "registration", "expo").first()
    links = {
        f"{name}_url": "http://127.0.0.1/followup/answer/x/"
        for name in (*followup.outcomes.ANSWER_LABELS, "unsubscribe")
    }
    context = {"expo": expo, "lead": lead, "name": "Bench", "other": "Bench", "subject": "S", "body": "B" * 200}

    def outbox_alone():
        with transaction.atomic():
            for n in range(baseline_emails):
                email_queue(to=f"baseline{n}@example.pk", template="followup", context=context, secret_context=links)

    _none, base_wall, base_cpu = _timed(outbox_alone)
    per_email = wall * 1000 / sent
    base_per_email = base_wall * 1000 / baseline_emails
    return {
        "leads": leads,
        "exhibitors": exhibitors,
        "members": members,
        "emails_7": sent,
        "emails_30": sent_30,
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "queries": queries,
        "queries_per_lead": round(queries / leads, 2),
        "queries_per_email": round(queries / sent, 3),
        "ms_per_lead": round(wall * 1000 / leads, 2),
        "ms_per_email": round(per_email, 2),
        "baseline_ms_per_email": round(base_per_email, 2),
        "ratio_to_outbox_alone": round(per_email / base_per_email, 2),
        "cpu_ms_per_email": round(cpu * 1000 / sent, 2),
        "baseline_cpu_ms_per_email": round(base_cpu * 1000 / baseline_emails, 2),
        "cpu_ratio_to_outbox_alone": round((cpu / sent) / (base_cpu / baseline_emails), 2),
        "idle_run_s": round(idle_wall, 2),
        "idle_run_queries": idle.count,
        "traced_peak_mb": round(traced_peak / 2**20, 1),
        "max_rss_mb_before": round(rss_before, 1),
        "max_rss_mb_after": round(rss_after, 1),
    }


def main() -> int:
    from bench.run import Postgres, log, manage
    from tests.realstack import ThrowawayRedis

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, default=20000)
    parser.add_argument("--baseline-emails", type=int, default=2000)
    arguments = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="expo-bench-followup-"))
    postgres = redis = None
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
            "DJANGO_DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "EXPO_VAR_DIR": str(workdir / "var"),
            "LOG_LEVEL": "WARNING",
            # Emails are queued to Redis as in production, and no worker delivers them: the run is measured, not
            # the outbox's sending.
            "CELERY_TASK_ALWAYS_EAGER": "0",
        }
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        log(f"a follow-up run over {arguments.leads} open leads")
        done = subprocess.run(
            [sys.executable, __file__, "--child", json.dumps([arguments.leads, arguments.baseline_emails])],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(done.stdout + done.stderr)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        if redis is not None:
            redis.stop()
        if postgres is not None:
            postgres.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(child(*json.loads(sys.argv[2]))))
        sys.exit(0)
    sys.exit(main())
