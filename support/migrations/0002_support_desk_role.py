from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen here rather than imported: a migration must not change when the code does.
SUPPORT_DESK = "Support desk"
MATCHMAKING_DESK = "Matchmaking desk"
# The support desk answers requests and keeps its teams and routing rules; it reads the enterprises and exhibitors
# it answers. The follow-up desk of leads and requests opens to it and to the matchmaking desk, who own the leads.
SUPPORT_DESK_MODELS = ["supportrequest", "supportnote", "supportteam", "routingrule"]
LOOKUPS = [("exhibitors", "view_enterprise"), ("exhibitors", "view_exhibitor")]
FOLLOWUP_PERMISSION = "use_followup_desk"


def forwards(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now to grant them.
    for label in ("support", "exhibitors"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True  # the migration state's app config lacks it; create_permissions checks it
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    desk, _ = Group.objects.get_or_create(name=SUPPORT_DESK)
    desk.permissions.add(
        *Permission.objects.filter(content_type__app_label="support", content_type__model__in=SUPPORT_DESK_MODELS)
    )
    for app_label, codename in LOOKUPS:
        desk.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))
    matchmaking_desk, _ = Group.objects.get_or_create(name=MATCHMAKING_DESK)
    matchmaking_desk.permissions.add(
        *Permission.objects.filter(content_type__app_label="support", codename=FOLLOWUP_PERMISSION)
    )


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=SUPPORT_DESK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0001_initial"),
        ("expo", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
