from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen here rather than imported: a migration must not change when the code does.
MANAGEMENT = "Management"
MANAGEMENT_PERMISSIONS = ["view_insights"]


def forwards(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now to grant them.
    app_config = apps.get_app_config("insights")
    app_config.models_module = True  # the migration state's app config lacks it; create_permissions checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=MANAGEMENT)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="insights", codename__in=MANAGEMENT_PERMISSIONS)
    )


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=MANAGEMENT).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_initial"),
        ("expo", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
