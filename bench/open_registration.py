"""Open registration for the current expo, for benchmarking /register/ with the demo data.

    DJANGO_SETTINGS_MODULE=bench.settings python bench/open_registration.py

The demo expo's days are fixed (January 2026): once they are past, /register/ answers "registration is
closed", which is not the page to measure. This moves the days a month ahead of today, with their
capacities, and opens registration until the first day. Run by bench/run.py with --open-registration.
"""

import datetime
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.utils import timezone  # noqa: E402

from expo.models import Expo  # noqa: E402
from visitors.models import DayCapacity  # noqa: E402


@transaction.atomic
def open_registration() -> Expo:
    expo = Expo.objects.get(is_current=True)
    shift = timezone.localdate() + datetime.timedelta(days=30) - expo.start_date
    DayCapacity.objects.filter(expo=expo).update(date=F("date") + shift)
    expo.start_date += shift
    expo.end_date += shift
    expo.registration_opens_at = timezone.now() - datetime.timedelta(days=1)
    expo.registration_closes_at = None
    expo.save()
    return expo


if __name__ == "__main__":
    expo = open_registration()
    print(f"{expo.name}: {expo.start_date} to {expo.end_date}, registration open")
