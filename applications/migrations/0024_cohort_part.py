# The stats cohort summed per unit and per field, by day and by month (ADR 0015,
# `DossierCohortPart`): the city's start page summed the cohort's unit x field x channel x day
# cells of a year (up to ~880 k at 10 M dossiers a year); these sums are at most 12 months and the
# days of two partial months per unit (or field) and channel. Likewise the rollup's days without
# the field per month (`DossierRollupMonth`). Their triggers are installed by 0025, once the
# tables' unique keys exist (Django adds them at the end of this migration).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0023_submission_triggers"),
    ]

    operations = [
        migrations.CreateModel(
            name="DossierCohortPart",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=5)),
                ("key_id", models.IntegerField()),
                ("channel", models.CharField(max_length=10)),
                ("monthly", models.BooleanField()),
                ("day", models.DateField()),
                ("received", models.BigIntegerField(db_default=0, default=0)),
                ("resolved_early", models.BigIntegerField(db_default=0, default=0)),
                ("resolved_on_time", models.BigIntegerField(db_default=0, default=0)),
                ("resolved_late", models.BigIntegerField(db_default=0, default=0)),
                ("in_progress", models.BigIntegerField(db_default=0, default=0)),
                ("stopped_late", models.BigIntegerField(db_default=0, default=0)),
                ("running_due", models.BigIntegerField(db_default=0, default=0)),
                ("rated", models.BigIntegerField(db_default=0, default=0)),
                ("satisfied", models.BigIntegerField(db_default=0, default=0)),
                ("overall_sum", models.BigIntegerField(db_default=0, default=0)),
                ("time_sum", models.BigIntegerField(db_default=0, default=0)),
                ("attitude_sum", models.BigIntegerField(db_default=0, default=0)),
                ("guidance_sum", models.BigIntegerField(db_default=0, default=0)),
                ("transparency_sum", models.BigIntegerField(db_default=0, default=0)),
                ("complaints", models.BigIntegerField(db_default=0, default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "monthly", "day", "key_id", "channel"),
                        name="dossier_cohort_part_key",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="DossierRollupMonth",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("unit_id", models.IntegerField()),
                ("channel", models.CharField(max_length=10)),
                ("day", models.DateField()),
                ("received", models.BigIntegerField(db_default=0, default=0)),
                ("received_online_full", models.BigIntegerField(db_default=0, default=0)),
                ("refused", models.BigIntegerField(db_default=0, default=0)),
                ("finished_early", models.BigIntegerField(db_default=0, default=0)),
                ("finished_on_time", models.BigIntegerField(db_default=0, default=0)),
                ("finished_late", models.BigIntegerField(db_default=0, default=0)),
                ("rated", models.BigIntegerField(db_default=0, default=0)),
                ("rating_sum", models.BigIntegerField(db_default=0, default=0)),
                ("open", models.BigIntegerField(db_default=0, default=0)),
                ("open_inherited", models.BigIntegerField(db_default=0, default=0)),
                ("overdue", models.BigIntegerField(db_default=0, default=0)),
                ("waiting_citizen", models.BigIntegerField(db_default=0, default=0)),
                ("waiting_desk", models.BigIntegerField(db_default=0, default=0)),
                ("received_fee", models.BigIntegerField(db_default=0, default=0)),
                ("received_digitised", models.BigIntegerField(db_default=0, default=0)),
                ("finished_e_result", models.BigIntegerField(db_default=0, default=0)),
                ("timed", models.BigIntegerField(db_default=0, default=0)),
                ("working_seconds", models.BigIntegerField(db_default=0, default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("day", "unit_id", "channel"), name="dossier_rollup_month_key"
                    )
                ],
            },
        ),
    ]
