from django.contrib.auth.management import create_permissions
from django.db import migrations

# Floor managers lay out halls and stalls, move exhibitors and run the allocator.
FLOOR_MANAGER_MODELS = ["hall", "pavilion", "stall", "stallallocation", "allocationrun"]


def forwards(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now to grant them.
    app_config = apps.get_app_config("pavilions")
    app_config.models_module = True  # the migration state's app config lacks it; create_permissions checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    managers, _ = Group.objects.get_or_create(name="Floor managers")
    managers.permissions.add(
        *Permission.objects.filter(content_type__app_label="pavilions", content_type__model__in=FLOOR_MANAGER_MODELS)
    )
    managers.permissions.add(*Permission.objects.filter(content_type__app_label="exhibitors", codename="view_exhibitor"))


class Migration(migrations.Migration):
    dependencies = [
        ("pavilions", "0001_initial"),
        ("exhibitors", "0002_certifications_and_reviewer_permissions"),
        ("expo", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
