"""The official period report, form II.06a (DESIGN.md `GET /api/v1/stats/period-report/`): per
field, and for the whole, the dossiers received (online, desk and post, carried over), finished
early, on time and late, and open within time or late at the period's end. Each column is a
figure of `figures.FIGURES`, so a row's numbers are those its drill-down lists show."""

from django.utils.translation import gettext as _

from portal.dashboard import rolled
from portal.dashboard.figures import FIGURES, Frame
from portal.dashboard.tables import grouped
from procedures.models import Field
from procedures.stats import StatsQuery

COLUMNS = (
    ("received", "received"),
    ("received_online", "received_online"),
    ("received_desk", "received_desk"),
    ("received_post", "received_post"),
    ("carried_over", "carried_over"),
    ("finished_early", "finished_early"),
    ("finished_on_time", "finished_on_time"),
    ("finished_late", "finished_late"),
    ("in_progress_on_time", "on_track"),
    ("in_progress_late", "overdue"),
)


def _by_field(frame: Frame) -> tuple[dict[str, dict], dict[str, int]]:
    """Each column per field code, and the total: from the rollup (ADR 0015) when it applies,
    else each column's builder grouped."""
    if rolled.applies(frame):
        found = rolled.counts(frame, by="field")
        codes = dict(Field.objects.filter(pk__in=found).values_list("pk", "code"))
        by_field = {
            name: {codes[pk]: values[key] for pk, values in found.items() if values[key]}
            for name, key in COLUMNS
        }
        return by_field, {name: sum(by_field[name].values()) for name, _key in COLUMNS}
    by_field = {name: grouped(frame, key, "field") for name, key in COLUMNS}
    return by_field, {name: FIGURES[key].build(frame).count() for name, key in COLUMNS}


def period_report(frame: Frame, query: StatsQuery) -> dict:
    """`rows` one per field that has a number (`field`, `name`, the columns) and `total`."""
    by_field, total = _by_field(frame)
    codes = sorted(set().union(*(found.keys() for found in by_field.values())) - {None})
    names = {f.code: f.name for f in Field.objects.filter(code__in=codes)}
    rows = [
        {
            "field": code,
            "name": names.get(code, code),
            **{name: by_field[name].get(code, 0) for name, _key in COLUMNS},
        }
        for code in codes
    ]
    return {"from": query.start, "to": query.end, "rows": rows, "total": total}


def columns():
    """The report as a table (CSV, XLSX): a row per field, then the total."""
    found = [(_("Field code"), lambda r: r["field"]), (_("Field"), lambda r: r["name"])]
    found += [(FIGURES[key].label, lambda r, name=name: r[name]) for name, key in COLUMNS]
    return found


def table_rows(report: dict) -> list[dict]:
    return [*report["rows"], {"field": "", "name": _("Total"), **report["total"]}]
