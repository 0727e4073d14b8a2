"""The stats API's cohort (the dossiers received in the period, each judged as it is now) read
from its rollup (ADR 0015, `applications/sql/cohort.sql`) equals a plain Python recount, and so
does the row count it stands in for (SQLite, a procedure): random states, channels, wards, due
and stop moments, ratings with their criteria, complaints (two about one dossier, one taken
back), a later bulk write, and "now" before, at or after the due moments."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications import timeliness
from applications.models import Complaint, Dossier, Rating
from applications.selectors import cohort_rollup as cohort
from applications.selectors import rollups
from applications.selectors import stats as dossier_stats
from procedures.stats import parse_query
from tests.dashboard.conftest import KIM_LONG, vn
from tests.dashboard.test_figures_recount import END, START, build, dossier_specs

FINISHED = {"resolved", "rejected", "returned"}
RUNNING = {"received", "in_review", "awaiting_approval"}
WAITING = {"awaiting_supplement", "awaiting_payment"}
CRITERIA = ("time", "attitude", "guidance", "transparency")

extras = st.fixed_dictionaries(
    {
        "ward": st.integers(0, 1),
        "rating": st.one_of(st.none(), st.tuples(*[st.integers(1, 5)] * 5)),
        "complaints": st.integers(0, 2),
        "withdraw_one": st.booleans(),
        # A later write past the services: the dossier finishes (or comes back to review).
        "then": st.one_of(st.none(), st.sampled_from(["resolved", "in_review"])),
    }
)


def _overdue(d, now):
    if d.state in RUNNING:
        return d.due_at is not None and d.due_at < now
    if d.state in WAITING:
        stopped = d.clock_stopped_at
        return stopped is not None and d.due_at is not None and stopped > d.due_at
    return False


def recount(dossiers, now, start=START, end=END):
    cohort_ = [d for d in dossiers if d.received_at and start <= d.received_at < end]
    finished = [d for d in cohort_ if d.state in FINISHED]
    words = [timeliness.of(d, now) for d in finished]
    processing = [d for d in cohort_ if d.state in RUNNING | WAITING]
    overdue = sum(_overdue(d, now) for d in processing)
    rated = [d.rating for d in cohort_ if hasattr(d, "rating")]
    return {
        "received": len(cohort_),
        "online": sum(d.channel == "online" for d in cohort_),
        "resolved": len(finished),
        "resolved_early": words.count("early"),
        "resolved_on_time": words.count("on_time"),
        "resolved_late": words.count("late"),
        "in_progress": len(processing),
        "on_track": len(processing) - overdue,
        "overdue": overdue,
        "rated": len(rated),
        "satisfied": sum(r.overall >= 4 for r in rated),
        "overall_sum": sum(r.overall for r in rated),
        **{f"{name}_sum": sum(getattr(r, name) for r in rated) for name in CRITERIA},
        "complaints": sum(d.complaints.exists() for d in cohort_),
    }


def _make(spec, extra, wards, procedure):
    dossier = build({**spec, "rating": None}, wards[extra["ward"]], procedure)
    if extra["rating"] is not None and dossier.received_at is not None:
        overall, *criteria = extra["rating"]
        Rating.objects.create(dossier=dossier, overall=overall, **dict.fromkeys(CRITERIA, 1))
        # An update moves the criteria (the trigger takes the old ones away).
        Rating.objects.filter(dossier=dossier).update(**dict(zip(CRITERIA, criteria, strict=True)))
    made = [
        Complaint.objects.create(dossier=dossier, text="Chậm") for _ in range(extra["complaints"])
    ]
    if made and extra["withdraw_one"]:
        made[0].delete()
    if extra["then"] == "resolved" and dossier.received_at is not None:
        Dossier.objects.filter(pk=dossier.pk).update(
            state="resolved", resolved_at=dossier.received_at + timedelta(hours=30)
        )
    elif extra["then"] == "in_review" and dossier.received_at is not None:
        Dossier.objects.filter(pk=dossier.pk).update(state="in_review", clock_stopped_at=None)


def _by_code(rows):
    return {code: row["counts"] for code, row in rows.items()}


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    made=st.lists(st.tuples(dossier_specs, extras), max_size=10),
    now_hours=st.integers(-100, 2000),
)
def test_the_stats_cohort_from_its_rollup_equals_a_plain_recount(wards, procedure, made, now_hours):
    now = START + timedelta(hours=now_hours)
    with transaction.atomic():
        for spec, extra in made:
            _make(spec, extra, wards, procedure)
        dossiers = list(
            Dossier.objects.select_related("rating", "handling_unit").prefetch_related("complaints")
        )
        days = {"from": "2026-03-01", "to": (END - timedelta(days=1)).date().isoformat()}
        city, kim_long = parse_query(days), parse_query({**days, "unit": KIM_LONG})
        by_field = parse_query({**days, "field": procedure.field.code})
        assert cohort.applies(city)
        assert cohort.applies(city, "unit")
        for query, scope, expect in (
            (city, None, dossiers),
            (kim_long, None, [d for d in dossiers if d.handling_unit.code == KIM_LONG]),
            (city, {wards[1].pk}, [d for d in dossiers if d.handling_unit_id == wards[1].pk]),
            (by_field, None, dossiers),
        ):
            expected = recount(expect, now)
            assert dossier_stats.counts(scope=scope, query=query, now=now) == expected
        # Periods of whole months and of days either side (`DossierCohortPart`'s monthly and
        # daily rows), for the city, per unit, per field and for a field or a ward.
        for first, last in (
            ("2026-01-20", "2026-03-31"),
            ("2026-02-01", "2026-03-10"),
            ("2026-02-20", "2026-03-10"),
            ("2026-01-01", "2026-04-30"),
        ):
            days = {"from": first, "to": last}
            start = vn(*map(int, first.split("-")), 0)
            end = vn(*map(int, last.split("-")), 0) + timedelta(days=1)
            query = parse_query(days)
            whole = recount(dossiers, now, start, end)
            assert dossier_stats.counts(scope=None, query=query, now=now) == whole
            field = parse_query({**days, "field": procedure.field.code})
            assert dossier_stats.counts(scope=None, query=field, now=now) == whole
            ward = [d for d in dossiers if d.handling_unit_id == wards[1].pk]
            expected = recount(ward, now, start, end)
            assert dossier_stats.counts(scope={wards[1].pk}, query=query, now=now) == expected
            units = dossier_stats.counts_by(scope=None, query=query, group_by="unit", now=now)
            expected_units = {
                ward.code: recount(
                    [d for d in dossiers if d.handling_unit_id == ward.pk], now, start, end
                )
                for ward in wards
            }
            assert _by_code(units) == {k: v for k, v in expected_units.items() if v["received"]}
            fields = dossier_stats.counts_by(scope=None, query=query, group_by="field", now=now)
            assert _by_code(fields) == ({procedure.field.code: whole} if whole["received"] else {})
        # The start page's overdue list: exactly the figure's dossiers, longest overdue first.
        late = sorted(
            (d.due_at, d.pk)
            for d in dossiers
            if d.received_at and START <= d.received_at < END and _overdue(d, now)
        )
        listed = dossier_stats.overdue_dossiers(scope=None, query=city, now=now)
        assert [(d.due_at, d.pk) for d in listed] == late
        shown = dossier_stats.overdue_dossiers(scope=None, query=city, now=now, limit=2)
        assert [(d.due_at, d.pk) for d in shown] == late[:2]
        units = dossier_stats.counts_by(scope=None, query=city, group_by="unit", now=now)
        expected_units = {
            ward.code: recount([d for d in dossiers if d.handling_unit_id == ward.pk], now)
            for ward in wards
        }
        assert _by_code(units) == {k: v for k, v in expected_units.items() if v["received"]}
        fields = dossier_stats.counts_by(scope=None, query=city, group_by="field", now=now)
        whole = recount(dossiers, now)
        assert _by_code(fields) == ({procedure.field.code: whole} if whole["received"] else {})
        # The row count (SQLite, a procedure) says the same.
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(cohort, "applies", lambda query, group_by=None: False)
            assert dossier_stats.counts(scope=None, query=city, now=now) == whole
            rows = dossier_stats.counts_by(scope=None, query=city, group_by="unit", now=now)
            assert _by_code(rows) == _by_code(units)
        # What the triggers kept is what a rebuild makes.
        kept, parts = _cohort_table(), _part_table()
        assert parts == _parts_of_cohort()
        cohort.rebuild()
        assert _cohort_table() == kept
        assert _part_table() == parts
        transaction.set_rollback(True)


def _cohort_table() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM applications_dossiercohort")
        return {row[1:] for row in cursor.fetchall() if any(row[5:])}


def _part_table() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM applications_dossiercohortpart")
        return {row[1:] for row in cursor.fetchall() if any(row[6:])}


def _parts_of_cohort() -> set[tuple]:
    """`DossierCohortPart` as it should be: the cohort's cells summed per unit and per field,
    per day and per month."""
    sums = ", ".join(f"SUM({name})" for name in _MEASURES)
    found = set()
    with connection.cursor() as cursor:
        for kind, key in (("unit", "unit_id"), ("field", "field_id")):
            for monthly, day in ((False, "day"), (True, "date_trunc('month', day)::date")):
                cursor.execute(
                    f"SELECT {key}, channel, {day}, {sums} FROM applications_dossiercohort "
                    "GROUP BY 1, 2, 3"
                )
                found |= {
                    (kind, key_id, channel, monthly, day, *values)
                    for key_id, channel, day, *values in cursor.fetchall()
                    if any(values)
                }
    return found


_MEASURES = (
    "received", "resolved_early", "resolved_on_time", "resolved_late", "in_progress",
    "stopped_late", "running_due", "rated", "satisfied", "overall_sum", "time_sum",
    "attitude_sum", "guidance_sum", "transparency_sum", "complaints",
)  # fmt: skip


def test_the_stats_cohort_counts_rows_without_the_rollup(wards, procedure, monkeypatch):
    """SQLite has no rollup: `applies` is false there, and the figures count rows."""
    monkeypatch.setattr(rollups, "available", lambda: False)
    assert not cohort.applies(parse_query({"from": "2026-03-01", "to": "2026-03-31"}))
