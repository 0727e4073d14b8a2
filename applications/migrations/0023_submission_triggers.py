# Two rollup triggers a new submission runs, lighter (issue 10; ADR 0015). The attachments': a
# new submission's files are written before its dossier, under the id it will have, so the
# dossier's INSERT counts them; the trigger counts again only the dossiers already there instead
# of planning the refile for one not yet written. The cohort's: an INSERT of dossiers none of
# which is received (an online submission) skips the flush. The figures are the same.

from pathlib import Path

from django.db import migrations

_SQL = Path(__file__).resolve().parent.parent / "sql"


def _function(file: str, name: str) -> str:
    text = (_SQL / file).read_text()
    begin = text.index(f"CREATE OR REPLACE FUNCTION {name}(")
    return text[begin : text.index("$$;", begin) + 3]


# As rollup.sql and cohort.sql have them now (a later change to them keeps a copy of these for
# this migration), and back: 0016's file trigger, 0019's cohort trigger.
FUNCTIONS = [
    _function("rollup.sql", "dossier_rollup_on_file"),
    _function("cohort.sql", "dossier_cohort_on_dossier"),
]
BEFORE = [
    _function("rollup_0016.sql", "dossier_rollup_on_file"),
    """CREATE OR REPLACE FUNCTION dossier_cohort_on_dossier() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    olds applications_dossier[];
    news applications_dossier[];
    nestloop text := current_setting('enable_nestloop');
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM dossier_cohort_flush('{}', ARRAY(SELECT d::applications_dossier FROM new_rows d));
        RETURN NULL;
    END IF;
    -- Only the rows whose cohort columns changed, paired by a hash join (see rollup.sql).
    PERFORM set_config('enable_nestloop', 'off', true);
    SELECT array_agg(o::applications_dossier), array_agg(d::applications_dossier)
    INTO olds, news
    FROM old_rows o JOIN new_rows d ON d.id = o.id
    WHERE (o.state, o.channel, o.handling_unit_id, o.procedure_id, o.received_at, o.due_at,
           o.resolved_at, o.clock_stopped_at)
       IS DISTINCT FROM
          (d.state, d.channel, d.handling_unit_id, d.procedure_id, d.received_at, d.due_at,
           d.resolved_at, d.clock_stopped_at);
    PERFORM set_config('enable_nestloop', nestloop, true);
    IF olds IS NOT NULL THEN
        PERFORM dossier_cohort_flush(olds, news);
    END IF;
    RETURN NULL;
END
$$;""",
]


def _install(functions: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for function in functions:
                cursor.execute(function)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0022_dossier_working_seconds"),
    ]

    operations = [
        migrations.RunPython(_install(FUNCTIONS), _install(BEFORE), elidable=False),
    ]
