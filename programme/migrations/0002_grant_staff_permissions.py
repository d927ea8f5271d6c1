from django.contrib.auth.management import create_permissions
from django.db import migrations

# Floor managers run the venue: they set up the rooms and the whole programme. The awards secretariat prepares the
# awards ceremony and its speakers, but does not change the rooms.
FLOOR_MANAGER_MODELS = ["room", "session", "speaker", "sessionspeaker"]
AWARDS_SECRETARIAT_PERMISSIONS = [
    "view_room",
    "view_session",
    "add_session",
    "change_session",
    "view_speaker",
    "add_speaker",
    "change_speaker",
    "view_sessionspeaker",
    "add_sessionspeaker",
    "change_sessionspeaker",
    "delete_sessionspeaker",
]


def forwards(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now to grant them.
    app_config = apps.get_app_config("programme")
    app_config.models_module = True  # the migration state's app config lacks it; create_permissions checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    floor, _ = Group.objects.get_or_create(name="Floor managers")
    floor.permissions.add(
        *Permission.objects.filter(content_type__app_label="programme", content_type__model__in=FLOOR_MANAGER_MODELS)
    )
    secretariat, _ = Group.objects.get_or_create(name="Awards secretariat")
    secretariat.permissions.add(
        *Permission.objects.filter(content_type__app_label="programme", codename__in=AWARDS_SECRETARIAT_PERMISSIONS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0001_initial"),
        ("expo", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
