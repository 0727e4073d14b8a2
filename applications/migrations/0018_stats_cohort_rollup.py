from django.db import migrations, models

# The stats cohort's rollup (ADR 0015); its triggers are installed by 0019, once the table's
# unique key exists (Django adds it at the end of this migration).


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0017_staff_list_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="DossierCohort",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("unit_id", models.IntegerField()),
                ("field_id", models.IntegerField()),
                ("channel", models.CharField(max_length=10)),
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
                "indexes": [models.Index(fields=["day"], name="dossier_cohort_day")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("unit_id", "field_id", "channel", "day"), name="dossier_cohort_key"
                    )
                ],
            },
        ),
    ]
