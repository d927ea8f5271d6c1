from django.contrib.auth.management import create_permissions
from django.db import migrations

CERTIFICATIONS = [
    "ISO 9001",
    "ISO 14001",
    "ISO 13485",
    "ISO 22000",
    "ISO 45001",
    "HACCP",
    "Halal (PHA)",
    "CE marking",
    "US FDA registration",
    "PSQCA",
    "SA8000",
    "WRAP",
    "OEKO-TEX",
    "GOTS",
    "FSC",
    "BRCGS",
    "Fair Trade",
]

# Reviewers score; approving, waitlisting and rejecting needs exhibitors.decide_nomination, given separately.
REVIEWER_PERMISSIONS = [
    "view_nomination",
    "view_nominationproduct",
    "view_enterprise",
    "view_review",
    "add_review",
    "change_review",
    "view_historicalnomination",
    "view_historicalreview",
]


def forwards(apps, schema_editor):
    for name in CERTIFICATIONS:
        apps.get_model("exhibitors", "Certification").objects.get_or_create(name=name)
    # Permissions are normally made after all migrations; make them now to grant them.
    app_config = apps.get_app_config("exhibitors")
    app_config.models_module = True  # the migration state's app config lacks it; create_permissions checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    reviewers, _ = Group.objects.get_or_create(name="Nomination reviewers")
    reviewers.permissions.add(
        *Permission.objects.filter(content_type__app_label="exhibitors", codename__in=REVIEWER_PERMISSIONS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("exhibitors", "0001_initial"),
        ("expo", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
