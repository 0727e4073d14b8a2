# The stats cohort rollup's triggers (ADR 0015), and both rollups made again.


from pathlib import Path

from django.db import migrations

# The stats cohort's rollup and its triggers (ADR 0015), as written with this migration.
SQL = (Path(__file__).resolve().parent.parent / "sql" / "cohort.sql").read_text()
DROP = """
DROP TRIGGER IF EXISTS dossier_cohort_insert ON applications_dossier;
DROP TRIGGER IF EXISTS dossier_cohort_update ON applications_dossier;
DROP TRIGGER IF EXISTS dossier_cohort_rating_insert ON applications_rating;
DROP TRIGGER IF EXISTS dossier_cohort_rating_update ON applications_rating;
DROP TRIGGER IF EXISTS dossier_cohort_rating_delete ON applications_rating;
DROP TRIGGER IF EXISTS dossier_cohort_complaint_insert ON applications_complaint;
DROP TRIGGER IF EXISTS dossier_cohort_complaint_update ON applications_complaint;
DROP TRIGGER IF EXISTS dossier_cohort_complaint_delete ON applications_complaint;
DROP FUNCTION IF EXISTS dossier_cohort_flush, dossier_cohort_on_dossier, dossier_cohort_rerate,
    dossier_cohort_on_rating, dossier_cohort_recomplain, dossier_cohort_on_complaint,
    dossier_cohort_rebuild CASCADE;
"""


# The rollup's dossier trigger as rollup.sql had it then (rollup_0016.sql): a change of the fee or of the way the
# result goes back (Decision 766's items) moves the figures too; 0016 did not look at them.
_ROLLUP = (Path(__file__).resolve().parent.parent / "sql" / "rollup_0016.sql").read_text()
_BEGIN = _ROLLUP.index("CREATE OR REPLACE FUNCTION dossier_rollup_on_dossier()")
ON_DOSSIER = _ROLLUP[_BEGIN : _ROLLUP.index("$$;", _BEGIN) + 3]


def install(apps, schema_editor):
    """PostgreSQL only: the embedded SQLite default has no rollup (the figures count rows).
    Both rollups are made again from the dossiers (a fee changed past the trigger)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(SQL)
        cursor.execute(ON_DOSSIER)
        cursor.execute("SELECT dossier_rollup_rebuild()")
        cursor.execute("SELECT dossier_cohort_rebuild()")


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0018_stats_cohort_rollup"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
