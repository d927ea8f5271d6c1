from django.contrib.auth.management import create_permissions
from django.db import migrations

# Floor managers and the awards secretariat see who has a place at each session and can give a place up.
RSVP_PERMISSIONS = ["view_rsvp", "change_rsvp"]


def forwards(apps, schema_editor):
    app_config = apps.get_app_config("programme")
    app_config.models_module = True  # the migration state's app config lacks it; create_permissions checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in ("Floor managers", "Awards secretariat"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="programme", codename__in=RSVP_PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0004_calendar_feed"),
        ("expo", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
