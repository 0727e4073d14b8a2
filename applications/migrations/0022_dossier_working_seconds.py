# The working time each dossier took to its result (issue 12: the average working time was a
# sample above 500 dossiers): a column set with the result, two rollup measures that sum it, the
# finished dossiers' values computed once, and the rollup's functions as rollup.sql has them now.

from pathlib import Path
from types import SimpleNamespace

from django.db import migrations, models

_SQL = Path(__file__).resolve().parent.parent / "sql"
_NAMES = ("dossier_rollup_events", "dossier_rollup_flush", "dossier_rollup_on_dossier")


def _functions(file: str) -> list[str]:
    text = (_SQL / file).read_text()
    found = []
    for name in _NAMES:
        begin = text.index(f"CREATE OR REPLACE FUNCTION {name}(")
        found.append(text[begin : text.index("$$;", begin) + 3])
    return found


# The functions that read or write the working time: rollup.sql's (a later change to them
# keeps a copy of this one for this migration, as rollup_0016.sql is 0016's), and back.
FUNCTIONS = _functions("rollup.sql")
BEFORE = _functions("rollup_0016.sql")
BATCH = 20_000


def backfill(apps, schema_editor):
    """Every finished dossier's working time from reception to result, in its handling unit's
    calendar as it is now (`deadlines.working_seconds`, as the services set it); then, on
    PostgreSQL, the rollup made again with it."""
    from applications import deadlines
    from procedures.services import working_calendar

    Dossier = apps.get_model("applications", "Dossier")
    Unit = apps.get_model("procedures", "Unit")
    calendars = {
        unit.pk: working_calendar(
            SimpleNamespace(
                work_periods=(
                    (unit.morning_start, unit.morning_end),
                    (unit.afternoon_start, unit.afternoon_end),
                )
            )
        )
        for unit in Unit.objects.all()
    }
    finished = Dossier.objects.filter(
        state__in=("resolved", "rejected", "returned"),
        received_at__isnull=False,
        resolved_at__isnull=False,
        working_seconds__isnull=True,
    ).order_by("pk")
    last = 0
    while True:
        rows = list(
            finished.filter(pk__gt=last).values_list(
                "pk", "handling_unit_id", "received_at", "resolved_at"
            )[:BATCH]
        )
        if not rows:
            break
        last = rows[-1][0]
        changed = []
        for pk, unit_id, received, resolved in rows:
            seconds = deadlines.working_seconds(calendars[unit_id], received, resolved)
            if seconds is not None:
                changed.append(Dossier(pk=pk, working_seconds=seconds))
        Dossier.objects.bulk_update(changed, ["working_seconds"], batch_size=2000)
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for function in FUNCTIONS:
            cursor.execute(function)
        cursor.execute("SELECT dossier_rollup_rebuild()")


def restore(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for function in BEFORE:
            cursor.execute(function)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0021_overdue_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="working_seconds",
            field=models.PositiveIntegerField(
                blank=True,
                editable=False,
                null=True,
                verbose_name="working time to the result (seconds)",
            ),
        ),
        migrations.AddField(
            model_name="dossierrollup",
            name="timed",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="dossierrollup",
            name="working_seconds",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="dossierrolluptotal",
            name="timed",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="dossierrolluptotal",
            name="working_seconds",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="dossierrollupunit",
            name="timed",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="dossierrollupunit",
            name="working_seconds",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(backfill, restore),
    ]
