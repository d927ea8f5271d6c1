"""Load the Expo 2026 demo data and print the admin login. Safe to run twice."""

import importlib
import importlib.util
import os

from django.apps import apps
from django.core.management.base import BaseCommand

from expo.demo import ADMIN_EMAIL, load_demo
from expo.models import Expo


class Command(BaseCommand):
    help = "Load the Expo 2026 demo data: edition, sectors, clusters, trade bodies, an admin, each app's rows."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if an expo edition exists already.")

    def handle(self, *args, if_empty: bool, **options):
        password = os.environ.get("DEMO_ADMIN_PASSWORD", "expo-demo-2026")
        if if_empty and Expo.objects.exists():
            self.stdout.write("Demo data already loaded.")
        else:
            counts = load_demo(admin_password=password)
            expo = Expo.objects.get(is_current=True)
            # Each app may add its own demo rows in a `demo.load(expo=...)` function.
            for app_config in apps.get_app_configs():
                if app_config.name != "expo" and importlib.util.find_spec(f"{app_config.name}.demo"):
                    counts |= importlib.import_module(f"{app_config.name}.demo").load(expo=expo)
            self.stdout.write(", ".join(f"{count} {kind.replace('_', ' ')}" for kind, count in counts.items()))
        self.stdout.write(
            self.style.SUCCESS(f"Admin login: {ADMIN_EMAIL} / {password}  (http://127.0.0.1:8000/admin/)")
        )
