from django.contrib.auth.management import create_permissions
from django.db import migrations

# Gate staff scan badges. The registration desk registers walk-ins, prints badge sheets, reads the attendance
# numbers, and in the admin looks people up, resends or cancels registrations and issues, revokes or prints badges.
GATE_STAFF_PERMISSIONS = ["scan_badges", "view_gate"]
REGISTRATION_DESK_PERMISSIONS = [
    "use_registration_desk",
    "view_registration",
    "change_registration",
    "view_registrationday",
    "view_badge",
    "add_badge",
    "change_badge",
    "view_badgebatch",
    "view_checkin",
    "view_scan",
    "view_gate",
    "view_daycapacity",
]


def forwards(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now to grant them.
    app_config = apps.get_app_config("visitors")
    app_config.models_module = True  # the migration state's app config lacks it; create_permissions checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in (
        ("Gate staff", GATE_STAFF_PERMISSIONS),
        ("Registration desk", REGISTRATION_DESK_PERMISSIONS),
    ):
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="visitors", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("visitors", "0004_staff_permissions"),
        ("expo", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
