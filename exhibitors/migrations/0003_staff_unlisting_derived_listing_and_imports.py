"""Listing follows from the data; staff unlisting is a decision of its own; spreadsheet imports are kept.

``listed`` was a flag the profile form recomputed (so an exhibitor's save undid staff unlisting, and an
approved exhibitor with a description stayed hidden until its first save). It becomes a column the
database computes from the description and staff's unlisting. Exhibitors whose history shows them
listed and who are unlisted now were unlisted by staff: that decision is kept. The nomination's
contact email was copied as the public email at approval; where the exhibitor never saved its
profile (never listed), nobody chose to publish it, so it is cleared.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import exhibitors.models

INDEX = "exhibitors__expo_id_591d83_idx"


def keep_staff_decisions(apps, schema_editor):
    Exhibitor = apps.get_model("exhibitors", "Exhibitor")
    HistoricalExhibitor = apps.get_model("exhibitors", "HistoricalExhibitor")
    now = django.utils.timezone.now()
    for exhibitor in Exhibitor.objects.filter(listed=False).select_related("nomination"):
        was_listed = HistoricalExhibitor.objects.filter(id=exhibitor.pk, listed=True).exists()
        if was_listed and exhibitor.description.strip():
            exhibitor.unlisted_at = now
            exhibitor.unlisted_reason = "Unlisted by staff before reasons were recorded."
        if not was_listed and exhibitor.public_email and exhibitor.public_email == exhibitor.nomination.contact_email:
            exhibitor.public_email = ""
        exhibitor.save(update_fields=["unlisted_at", "unlisted_reason", "public_email"])


class Migration(migrations.Migration):
    dependencies = [
        ("exhibitors", "0002_certifications_and_reviewer_permissions"),
        ("expo", "0004_email_attachment_made_at_sending"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="exhibitor",
            name="unlisted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="unlisted by staff"),
        ),
        migrations.AddField(
            model_name="exhibitor",
            name="unlisted_reason",
            field=models.TextField(blank=True, editable=False, verbose_name="reason for unlisting"),
        ),
        migrations.AddField(
            model_name="historicalexhibitor",
            name="unlisted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="unlisted by staff"),
        ),
        migrations.AddField(
            model_name="historicalexhibitor",
            name="unlisted_reason",
            field=models.TextField(blank=True, editable=False, verbose_name="reason for unlisting"),
        ),
        migrations.RunPython(keep_staff_decisions, migrations.RunPython.noop),
        migrations.RemoveField(model_name="historicalexhibitor", name="listed"),
        migrations.RemoveIndex(model_name="exhibitor", name=INDEX),
        migrations.RemoveField(model_name="exhibitor", name="listed"),
        migrations.AddField(
            model_name="exhibitor",
            name="listed",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Q(("unlisted_at__isnull", True), models.Q(("description", ""), _negated=True)),
                output_field=models.BooleanField(),
                verbose_name="listed in the public directory",
            ),
        ),
        migrations.AddIndex(
            model_name="exhibitor",
            index=models.Index(fields=["expo", "listed", "name"], name=INDEX),
        ),
        migrations.CreateModel(
            name="NominationImport",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "file",
                    models.FileField(
                        blank=True,
                        storage=exhibitors.models.private_storage,
                        upload_to=exhibitors.models.nomination_import_path,
                    ),
                ),
                ("extension", models.CharField(max_length=4)),
                ("rows", models.PositiveIntegerField(verbose_name="rows")),
                ("language", models.CharField(max_length=10)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("checking", "Checking"),
                            ("checked", "Checked"),
                            ("importing", "Importing"),
                            ("imported", "Imported"),
                            ("failed", "Not imported"),
                        ],
                        default="checking",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("report", models.JSONField(blank=True, default=dict)),
                ("imported", models.PositiveIntegerField(default=0, verbose_name="nominations imported")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "expo",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="expo.expo"),
                ),
                (
                    "trade_body",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="nomination_imports",
                        to="expo.tradebody",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "nomination import",
                "verbose_name_plural": "nomination imports",
                "ordering": ["-created_at"],
            },
        ),
    ]
