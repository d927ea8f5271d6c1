from django.db import migrations

# Frozen here rather than imported: a migration must not change when the code does.
STAFF_GROUPS = [
    "Nomination reviewers",
    "Floor managers",
    "Registration desk",
    "Matchmaking desk",
    "Awards secretariat",
    "Gate staff",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in STAFF_GROUPS:
        Group.objects.get_or_create(name=name)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=STAFF_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("expo", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
