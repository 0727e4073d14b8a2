# The triggers that keep `DossierCohortPart` from the stats cohort's own writes (applications/
# sql/cohort_part.sql) and `DossierRollupMonth` from the rollup's days (rollup_month.sql), and
# both made from those tables as they are.

from pathlib import Path

from django.db import migrations

_SQL = Path(__file__).resolve().parent.parent / "sql"
SQL = (_SQL / "cohort_part.sql").read_text() + (_SQL / "rollup_month.sql").read_text()
DROP = """
DROP TRIGGER IF EXISTS dossier_cohort_part_insert ON applications_dossiercohort;
DROP TRIGGER IF EXISTS dossier_cohort_part_update ON applications_dossiercohort;
DROP TRIGGER IF EXISTS dossier_cohort_part_delete ON applications_dossiercohort;
DROP TRIGGER IF EXISTS dossier_cohort_part_truncate ON applications_dossiercohort;
DROP FUNCTION IF EXISTS dossier_cohort_part_add, dossier_cohort_part_on_cohort,
    dossier_cohort_part_rebuild CASCADE;
DROP TRIGGER IF EXISTS dossier_rollup_month_insert ON applications_dossierrollupunit;
DROP TRIGGER IF EXISTS dossier_rollup_month_update ON applications_dossierrollupunit;
DROP TRIGGER IF EXISTS dossier_rollup_month_delete ON applications_dossierrollupunit;
DROP TRIGGER IF EXISTS dossier_rollup_month_truncate ON applications_dossierrollupunit;
DROP FUNCTION IF EXISTS dossier_rollup_month_add, dossier_rollup_month_on_day,
    dossier_rollup_month_rebuild CASCADE;
"""


def install(apps, schema_editor):
    """PostgreSQL only: the embedded SQLite default has no rollup (the figures count rows)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(SQL)
        cursor.execute("SELECT dossier_cohort_part_rebuild()")
        cursor.execute("SELECT dossier_rollup_month_rebuild()")


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0024_cohort_part"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
