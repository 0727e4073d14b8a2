"""The government's swaps move to procedures/data/calendar_vn.toml (issue 11, item 6).

Swaps lived half in the `holidays` package (the weekday off) and half in this table (the Saturday
worked). Both now come from the versioned file, which cites each decision. A row the file does not
have (a day an administrator entered by hand) stops the migration rather than being lost: add it
to the file with its decision, then migrate again.
"""

from django.db import migrations

from procedures.workingtime.national import load_national_calendar


def check_every_row_is_in_the_file(apps, schema_editor):
    CalendarException = apps.get_model("procedures", "CalendarException")
    national = load_national_calendar()
    known = {swap.working_day for swap in national.swaps} | {
        swap.day_off for swap in national.swaps
    }
    missing = [
        f"{row.date:%Y-%m-%d} {row.kind} {row.name} ({row.legal_basis})"
        for row in CalendarException.objects.exclude(date__in=known)
    ]
    if missing:
        raise RuntimeError(
            "These calendar days are not in procedures/data/calendar_vn.toml; add them there "
            "with their decision before migrating: " + "; ".join(missing)
        )


class Migration(migrations.Migration):
    dependencies = [("procedures", "0003_folded_names")]
    operations = [
        migrations.RunPython(check_every_row_is_in_the_file, migrations.RunPython.noop),
        migrations.DeleteModel(name="CalendarException"),
    ]
