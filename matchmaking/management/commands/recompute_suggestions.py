"""Recompute the suggestions of whom to meet for an expo (or every expo), at once, in this process.

    manage.py recompute_suggestions [--expo ID]

The matchmaking desk can do the same from the admin (the matchmaking settings' action), in the background.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from expo.models import Expo
from matchmaking import suggest_services


class Command(BaseCommand):
    help = "Recompute the suggestions of whom to meet for an expo, or for every expo."

    def add_arguments(self, parser):
        parser.add_argument("--expo", type=int, help="The expo's id; every expo when left out.")

    def handle(self, *args, expo: int | None, **options):
        expos = Expo.objects.order_by("pk")
        if expo is not None:
            expos = expos.filter(pk=expo)
            if not expos.exists():
                raise CommandError(gettext("No expo has the id %(id)s.") % {"id": expo})
        for item in expos:
            stored = suggest_services.suggestions_recompute(expo_id=item.pk)
            self.stdout.write(gettext("%(expo)s: %(count)s suggestions.") % {"expo": item, "count": stored})
