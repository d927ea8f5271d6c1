from django.contrib.auth.management import create_permissions
from django.db import migrations

# Gate staff check badges in at session doors and see who came; floor managers, who run the programme, see who came.
GATE_STAFF_PERMISSIONS = ["scan_session_badges", "view_attendance"]
FLOOR_MANAGER_PERMISSIONS = ["view_attendance"]


def forwards(apps, schema_editor):
    app_config = apps.get_app_config("programme")
    app_config.models_module = True  # the migration state's app config lacks it; create_permissions checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("Gate staff", GATE_STAFF_PERMISSIONS), ("Floor managers", FLOOR_MANAGER_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="programme", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0006_session_attendance"),
        ("expo", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
