"""Time and queries of each insights dashboard section, uncached and cached, beside a bare Django view.

    .venv/bin/python bench/insights.py [--registrations 100000] [--meetings 20000] [--leads 20000]
                                       [--exhibitors 200] [--repeat 5]

It starts a throwaway PostgreSQL (as ``bench/run.py`` does), migrates it, loads the demo edition and adds, in bulk:
``--exhibitors`` approved exhibitors across the demo clusters; ``--registrations`` visitors (one to three days, one
or two cluster interests, a tenth waitlisted), a badge for each and a check-in for about six in ten on their first
day, at an hour between 10:00 and 18:00; a matchmaking profile for one registration in fifty; ``--meetings`` accepted
meeting requests from those buyers to the exhibitors, each with a meeting (one in three held) and as many requests
again pending or declined; ``--leads`` leads across the exhibitors, in every stage, in rupees and dollars.

Each section is then requested in-process through the portal's full middleware by a superuser (Django's test
client, ``bench.settings``): ``--repeat`` times with the cache emptied before each request (uncached, the median),
then ``--repeat`` times from the cache, and the bare view (``/bench/bare/``, two bytes) 200 times in the same run.
The verdict is each section's median against the bare view's (the ratio) and its query count, which does not grow
with the data. Debug mode runs (static files unhashed, staff MFA off), the same for the bare view.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import Postgres, log  # noqa: E402

BATCH = 5000


def _bulk(model, objects) -> list:
    return model.objects.bulk_create(objects, batch_size=BATCH)


def seed(*, registrations: int, meetings: int, leads: int, exhibitors: int, rng: random.Random) -> None:
    from bench.seed_exhibitors import approved_exhibitors
    from exhibitors.models import Exhibitor
    from expo.models import Cluster, Expo
    from matchmaking.models import Lead, Meeting, MeetingRequest, Participant, Slot
    from visitors.models import Badge, Category, CheckIn, Gate, Registration, RegistrationDay, Scan

    expo = Expo.objects.get(is_current=True)
    clusters = list(Cluster.objects.order_by("pk"))
    approved_exhibitors(
        expo=expo,
        people=[(f"Bench Insights {n:04d}", clusters[n % len(clusters)]) for n in range(exhibitors)],
        slug_prefix="bench-insights",
        description="Bench exhibitor.",
    )
    days = [expo.start_date + datetime.timedelta(days=d) for d in range((expo.end_date - expo.start_date).days + 1)]
    tz = datetime.timezone(datetime.timedelta(hours=5))
    categories = [choice for choice, _ in Category.choices]
    countries = ["PK"] * 8 + ["KE", "AZ", "MY", "AE", "DE", "CN"]
    now = datetime.datetime.now(datetime.UTC)

    log(f"seeding {registrations} registrations")
    people = _bulk(
        Registration,
        (
            Registration(
                expo=expo,
                category=rng.choice(categories),
                full_name=f"Visitor {n}",
                email=f"bench-visitor-{n}@example.pk",
                phone="+92 300 1234567",
                country=rng.choice(countries),
                city="Lahore",
                consent_at=now,
                status=Registration.Status.WAITLISTED if n % 10 == 0 else Registration.Status.CONFIRMED,
            )
            for n in range(registrations)
        ),
    )
    first_days = {}
    visits = []
    for person in people:
        chosen = sorted(rng.sample(days, rng.randint(1, len(days))))
        first_days[person.pk] = chosen[0]
        visits += [RegistrationDay(registration=person, date=day, status=person.status) for day in chosen]
    _bulk(RegistrationDay, visits)
    through = Registration.interests.through
    _bulk(
        through,
        (
            through(registration_id=person.pk, cluster_id=cluster.pk)
            for person in people
            for cluster in rng.sample(clusters, rng.randint(1, 2))
        ),
    )
    badges = _bulk(
        Badge,
        (
            Badge(
                expo=expo,
                number=f"B{n:07d}",
                type="visitor",
                category=person.category,
                full_name=person.full_name,
                registration=person,
            )
            for n, person in enumerate(people)
        ),
    )
    gate = Gate.objects.create(expo=expo, name="Bench gate")
    came = [badge for badge in badges if rng.random() < 0.6]
    log(f"seeding {len(came)} check-ins")
    times = {
        badge.pk: datetime.datetime.combine(first_days[badge.registration_id], datetime.time(rng.randint(10, 17)), tz)
        for badge in came
    }
    scans = _bulk(
        Scan,
        (
            Scan(scan_id=uuid.uuid4(), gate=gate, badge=badge, outcome="welcome", scanned_at=times[badge.pk])
            for badge in came
        ),
    )
    _bulk(
        CheckIn,
        (
            CheckIn(
                badge_id=scan.badge_id,
                day=first_days[scan.badge.registration_id],
                gate=gate,
                scanned_at=scan.scanned_at,
                scan=scan,
            )
            for scan in scans
        ),
    )

    log(f"seeding {meetings} meetings and {meetings} other requests")
    stands = list(Exhibitor.objects.filter(expo=expo, slug__startswith="bench-insights").order_by("pk"))
    sellers = _bulk(
        Participant,
        (Participant(expo=expo, kind="exhibitor", exhibitor=e, organisation=e.name, country="PK") for e in stands),
    )
    buyers = _bulk(
        Participant,
        (
            Participant(
                expo=expo,
                kind="visitor",
                registration=person,
                organisation=f"Buyer {person.pk}",
                country=person.country,
            )
            for person in people[: max(1, registrations // 50)]
        ),
    )
    buyer_through = Participant.clusters.through
    _bulk(buyer_through, (buyer_through(participant_id=b.pk, cluster_id=rng.choice(clusters).pk) for b in buyers))
    pairs = set()
    while len(pairs) < 2 * meetings:
        pairs.add((rng.choice(buyers).pk, rng.choice(sellers).pk))
    pairs = sorted(pairs)
    requests = _bulk(
        MeetingRequest,
        (
            MeetingRequest(
                expo=expo,
                sender_id=buyer,
                receiver_id=seller,
                status="accepted" if n < meetings else rng.choice(["pending", "declined", "withdrawn"]),
            )
            for n, (buyer, seller) in enumerate(pairs)
        ),
    )
    # The demo's meeting grid; a meeting at a stall needs no table, so many share a slot.
    slots = list(Slot.objects.filter(expo=expo, kind=Slot.Kind.MEETING))
    _bulk(
        Meeting,
        (
            Meeting(
                expo=expo,
                request=request,
                slot=rng.choice(slots),
                at_stall=True,
                state="held" if n % 3 == 0 else "scheduled",
            )
            for n, request in enumerate(requests[:meetings])
        ),
    )

    log(f"seeding {leads} leads")
    statuses = [choice for choice, _ in Lead.Status.choices]
    _bulk(
        Lead,
        (
            Lead(
                expo=expo,
                exhibitor=rng.choice(stands),
                source="staff",
                status=rng.choice(statuses),
                value_amount=Decimal(rng.randint(1, 500)) * 10000 if n % 4 else None,
                value_currency="USD" if n % 5 == 0 else "PKR",
            )
            for n in range(leads)
        ),
    )


def measure(
    client, url: str, repeat: int, *, uncached: bool, slowest: int = 0, explain: bool = False
) -> tuple[float, int]:
    """The median milliseconds of ``repeat`` requests and the queries of the last one (its ``slowest`` queries
    printed, with their milliseconds, and with ``explain`` their plan as PostgreSQL ran it)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(repeat):
        if uncached:
            cache.clear()
        connection.queries_log.clear()  # the log keeps 9,000 queries: the seeding filled it
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:slowest]:
        print(f"    {float(query['time']) * 1000:8.1f} ms  {query['sql'][:400]}")
        if explain:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                print("\n".join(f"        {line}" for (line,) in cursor.fetchall()))
    return statistics.median(times), len(captured)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--meetings", type=int, default=20_000)
    parser.add_argument("--leads", type=int, default=20_000)
    parser.add_argument("--exhibitors", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--slowest", type=int, default=0, help="print each section's slowest queries, uncached")
    parser.add_argument("--explain", action="store_true", help="print the plan of each of those slowest queries")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-insights-") as workdir:
        postgres = Postgres(Path(workdir))
        postgres.start()
        try:
            os.environ.update(
                DJANGO_SETTINGS_MODULE="bench.settings",
                DATABASE_URL=postgres.url,
                DJANGO_DEBUG="1",
                EXPO_VAR_DIR=workdir,
                EXPO_STAFF_MFA_REQUIRED="0",
                CELERY_TASK_ALWAYS_EAGER="1",
            )
            for name in ("REDIS_URL", "CACHE_URL", "EMAIL_HOST"):
                os.environ.pop(name, None)
            import django

            django.setup()
            from django.core.management import call_command
            from django.test import Client
            from django.urls import reverse

            from expo.models import User
            from insights.selectors import SECTIONS

            log("migrating and loading the demo edition")
            call_command("migrate", verbosity=0)
            call_command("load_demo", verbosity=0)
            began = time.perf_counter()
            seed(
                registrations=args.registrations,
                meetings=args.meetings,
                leads=args.leads,
                exhibitors=args.exhibitors,
                rng=random.Random(args.seed),
            )
            log(f"seeded in {time.perf_counter() - began:.0f} s")
            from django.db import connection

            with connection.cursor() as cursor:  # fresh statistics and visibility map, as autovacuum would make them
                cursor.execute("VACUUM ANALYZE")
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(User.objects.filter(is_superuser=True).first())
            bare, _ = measure(client, "/bench/bare/", 200, uncached=False)
            print(f"\nbare view: {bare:.2f} ms (median of 200)\n")
            print(f"{'section':<12} {'uncached ms':>12} {'× bare':>8} {'queries':>8} {'cached ms':>10} {'queries':>8}")
            for section in SECTIONS.values():
                url = reverse("insights_section", args=[section.key])
                cold, cold_queries = measure(
                    client, url, args.repeat, uncached=True, slowest=args.slowest, explain=args.explain
                )
                warm, warm_queries = measure(client, url, args.repeat, uncached=False)
                print(
                    f"{section.key:<12} {cold:>12.1f} {cold / bare:>8.1f} {cold_queries:>8} "
                    f"{warm:>10.1f} {warm_queries:>8}"
                )
        finally:
            postgres.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
