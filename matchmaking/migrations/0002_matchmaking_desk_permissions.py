from django.contrib.auth.management import create_permissions
from django.db import migrations

# The matchmaking desk manages participants, slots, tables, requests and meetings, acts for a participant on
# the phone or at the desk, and runs the scheduler. It looks exhibitors and registrations up, changing neither.
MATCHMAKING_DESK_MODELS = [
    "matchmakingsettings",
    "slot",
    "table",
    "participant",
    "availabilityblock",
    "meetingrequest",
    "meeting",
    "meetingseat",
    "schedulerrun",
]
LOOKUPS = [("exhibitors", "view_exhibitor"), ("visitors", "view_registration")]


def forwards(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now to grant them.
    app_config = apps.get_app_config("matchmaking")
    app_config.models_module = True  # the migration state's app config lacks it; create_permissions checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    desk, _ = Group.objects.get_or_create(name="Matchmaking desk")
    desk.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="matchmaking", content_type__model__in=MATCHMAKING_DESK_MODELS
        )
    )
    for app_label, codename in LOOKUPS:
        desk.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("matchmaking", "0001_initial"),
        ("expo", "0002_staff_groups"),
        ("visitors", "0005_grant_staff_permissions"),
        ("exhibitors", "0002_certifications_and_reviewer_permissions"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
