from django.db import migrations, models


def first_stage_from_result(apps, schema_editor):
    """Runs saved before held the preferences there; their stages are in the result."""
    AllocationRun = apps.get_model("pavilions", "AllocationRun")
    for run in AllocationRun.objects.exclude(first_stage_value=None).iterator():
        stages = (run.result or {}).get("stages") or []
        first = stages[0] if stages else {}
        run.first_stage_value = first.get("value")
        run.first_stage_bound = first.get("bound")
        run.first_stage_greedy = first.get("greedy")
        run.save(update_fields=["first_stage_value", "first_stage_bound", "first_stage_greedy"])


class Migration(migrations.Migration):
    """A run's headline fields hold the first stage of the objective, named so."""

    dependencies = [
        ("pavilions", "0003_pavilion_outline"),
    ]

    operations = [
        migrations.RenameField("allocationrun", "objective", "first_stage_value"),
        migrations.RenameField("allocationrun", "bound", "first_stage_bound"),
        migrations.RenameField("allocationrun", "greedy_objective", "first_stage_greedy"),
        migrations.AlterField(
            model_name="allocationrun",
            name="first_stage_value",
            field=models.FloatField(blank=True, null=True, verbose_name="first stage's value"),
        ),
        migrations.AlterField(
            model_name="allocationrun",
            name="first_stage_bound",
            field=models.FloatField(blank=True, null=True, verbose_name="first stage's proven bound"),
        ),
        migrations.AlterField(
            model_name="allocationrun",
            name="first_stage_greedy",
            field=models.FloatField(blank=True, null=True, verbose_name="first stage's value by the greedy pass"),
        ),
        migrations.RunPython(first_stage_from_result, migrations.RunPython.noop),
    ]
