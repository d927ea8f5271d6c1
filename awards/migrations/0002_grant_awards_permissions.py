from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen here rather than imported: a migration must not change when the code does.
JURORS = "Jurors"
# The awards secretariat runs the awards: categories, rounds and rubrics, candidates and their evidence, the jury,
# its panels, assignments and conflicts, results and certificates. Score sheets and scores are the jurors' own: the
# secretariat reads them, never writes them; eligibility overrides are made through the candidate, never edited.
SECRETARIAT_MODELS = [
    "category",
    "round",
    "criterion",
    "candidate",
    "evidencefile",
    "juror",
    "panelmembership",
    "assignment",
    "result",
    "certificate",
]
SECRETARIAT_PERMISSIONS = [
    "view_conflictflag",
    "add_conflictflag",
    "view_eligibilityoverride",
    "view_scoresheet",
    "view_score",
    "override_eligibility",
    "clear_conflictflag",
    "close_round",
    "approve_result",
    "publish_result",
]
# Jurors are not staff: the one permission opens their scoring pages, behind the staff MFA requirement.
JUROR_PERMISSIONS = ["score_candidates"]


def forwards(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now to grant them.
    app_config = apps.get_app_config("awards")
    app_config.models_module = True  # the migration state's app config lacks it; create_permissions checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    awards = Permission.objects.filter(content_type__app_label="awards")
    secretariat, _ = Group.objects.get_or_create(name="Awards secretariat")
    secretariat.permissions.add(
        *awards.filter(content_type__model__in=SECRETARIAT_MODELS), *awards.filter(codename__in=SECRETARIAT_PERMISSIONS)
    )
    jurors, _ = Group.objects.get_or_create(name=JURORS)
    jurors.permissions.add(*awards.filter(codename__in=JUROR_PERMISSIONS))


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=JURORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0001_initial"),
        ("expo", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
