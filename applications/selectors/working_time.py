"""The average working time's rows: working hours from reception to result, each dossier walked
through its handling unit's calendar (`portal.dashboard.figures`, "average_working_hours")."""

from django.db import connection
from django.db.models import F, QuerySet

from applications.models import Dossier
from procedures.models import Unit
from procedures.services import working_calendar

# Beyond this many dossiers the average working time is taken over a sample of them: each is a
# walk through the working calendar in Python, about a millisecond. The sample is whole pages of
# the table (TABLESAMPLE SYSTEM, the same pages each time) when that reads few of them, so a
# year of the city does not read every row; otherwise every k-th id.
WORKING_HOURS_SAMPLE = 500
_PAGES_AT_MOST = 5.0  # per cent of the table's pages
_IDS_AT_MOST = 20_000  # ids read from those pages


def _sampled(dossiers: QuerySet[Dossier], total: int) -> QuerySet[Dossier]:
    # Pages holding about twice the sample of the figure's rows, spread as they are.
    percent = 100.0 * 2 * WORKING_HOURS_SAMPLE / total
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'applications_dossier'")
        found = cursor.fetchone()
        table_rows = float(found[0]) if found else 0.0
        if percent > _PAGES_AT_MOST or percent * table_rows / 100 > _IDS_AT_MOST:
            step = -(-total // WORKING_HOURS_SAMPLE)
            return dossiers.annotate(sample=F("id") % step).filter(sample=0)
        cursor.execute(
            "SELECT id FROM applications_dossier TABLESAMPLE SYSTEM (%s) REPEATABLE (0)",
            [percent],
        )
        ids = [row[0] for row in cursor.fetchall()]
    return dossiers.filter(id__in=ids)


def working_hours(dossiers: QuerySet[Dossier], total: int | None = None) -> list[float]:
    """Working hours from reception to result of each finished dossier (its handling unit's
    calendar: working days and hours, public holidays and swaps); `total`: their number, when
    the caller has counted them already."""
    hours = []
    total = dossiers.count() if total is None else total
    if total > WORKING_HOURS_SAMPLE:
        if connection.vendor == "postgresql":
            dossiers = _sampled(dossiers, total)
        else:
            step = -(-total // WORKING_HOURS_SAMPLE)
            dossiers = dossiers.annotate(sample=F("id") % step).filter(sample=0)
    rows = dossiers.order_by("id").values_list("handling_unit", "received_at", "resolved_at")
    moments = list(rows[: WORKING_HOURS_SAMPLE * 2])
    # The units' calendars in one query (a city-wide sample spans every ward), not one each.
    units = Unit.objects.filter(pk__in={unit_id for unit_id, _r, _s in moments})
    calendars = {unit.pk: working_calendar(unit) for unit in units}
    for unit_id, received, resolved in moments:
        if received is None or resolved is None or resolved < received:
            continue
        spent = calendars[unit_id].working_time_between(received, resolved)
        hours.append(spent.total_seconds() / 3600)
    return hours
