"""Every dossier figure of the dashboard equals a plain Python recount of the same dossiers
(issue 12): random states, channels, moments before, in and after the period, clock stops,
carried-over and inherited dossiers, ratings; the period running or over."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.models import Dossier
from applications.selectors import rollups
from portal.accounts.models import User
from portal.core.time import VN_TZ
from portal.dashboard import period_report, rolled, stats
from portal.dashboard import satisfaction_national as national
from portal.dashboard.figures import COUNT_KEYS, FIGURES, compute, rows
from portal.dashboard.filters import parse_filters
from procedures.services import working_calendar
from tests.dashboard.conftest import KIM_LONG, make_dossier, vn

START, END = vn(2026, 3, 1, 0), vn(2026, 4, 1, 0)
FINISHED = {"resolved", "rejected", "returned"}
PROCESSING = {"received", "in_review", "awaiting_supplement", "awaiting_payment"}
WAITING = {"awaiting_supplement", "awaiting_payment"}
ENDED = {"withdrawn", "stopped"}
STATES = sorted(FINISHED | PROCESSING | ENDED | {"submitted", "refused"})

hours = st.integers(min_value=-1500, max_value=1500)  # about two months either side of 1/3
maybe = st.one_of(st.none(), hours)
dossier_specs = st.fixed_dictionaries(
    {
        "state": st.sampled_from(STATES),
        "channel": st.sampled_from(["online", "desk", "post"]),
        "submitted": hours,
        "received": st.integers(min_value=0, max_value=200),  # after it was sent
        "due": maybe,
        "resolved": st.integers(min_value=0, max_value=800),  # after it was received
        "closed": st.integers(min_value=0, max_value=800),
        "stopped": st.one_of(st.none(), st.integers(min_value=0, max_value=800)),
        "transferred": st.booleans(),
        "rating": st.one_of(st.none(), st.integers(min_value=1, max_value=5)),
        # A stop that began and ended (after reception; before the current one, if any).
        "past_stop": st.one_of(
            st.none(), st.tuples(st.integers(0, 600), st.integers(1, 600), maybe)
        ),
    }
)


def _at(offset):
    return None if offset is None else START + timedelta(hours=offset)


def build(spec, unit, procedure):
    state = spec["state"]
    submitted = _at(spec["submitted"])
    received = None
    if state not in ("submitted", "refused"):
        received = submitted + timedelta(hours=spec["received"])
    base = received or submitted
    stopped = None
    if state in WAITING and spec["stopped"] is not None:
        stopped = base + timedelta(hours=spec["stopped"])
    stops = ()
    if received is not None and spec["past_stop"] is not None:
        begin, length, due_before = spec["past_stop"]
        began = received + timedelta(hours=begin)
        ended = began + timedelta(hours=length)
        if stopped is not None:
            ended = min(ended, stopped)
        if ended > began:
            stops = ((began, ended, _at(due_before)),)
    return make_dossier(
        unit=unit,
        procedure=procedure,
        state=state,
        channel="online" if state in ("submitted", "refused") else spec["channel"],
        submitted_at=submitted,
        received_at=received,
        due_at=_at(spec["due"]),
        resolved_at=base + timedelta(hours=spec["resolved"]) if state in FINISHED else None,
        closed_at=base + timedelta(hours=spec["closed"])
        if state in ENDED | {"refused", "returned"}
        else None,
        clock_stopped_at=stopped,
        is_transferred=spec["transferred"],
        rating=spec["rating"] if state in FINISHED else None,
        stops=stops,
    )


# --- The plain recount ------------------------------------------------------------------------


def _open(d, m):
    if d.received_at is None or d.received_at >= m:
        return False
    if d.state in PROCESSING:
        return True
    if d.state in FINISHED:
        return d.resolved_at is not None and d.resolved_at > m
    if d.state in ENDED:
        return d.closed_at is not None and d.closed_at > m
    return False


def _stopped_now(d, m):
    return d.state in WAITING and d.clock_stopped_at is not None and d.clock_stopped_at <= m


def _covering(d, m):
    """The recorded stops the clock stood still in at `m` (begun by then, ended after)."""
    return [s for s in d.clock_stops.all() if s.started_at <= m < s.ended_at]


def _overdue(d, m):
    if not _open(d, m):
        return False
    if _stopped_now(d, m):
        return d.due_at is not None and d.clock_stopped_at > d.due_at
    if covering := _covering(d, m):
        return any(s.due_before is not None and s.started_at > s.due_before for s in covering)
    return d.due_at is not None and d.due_at < m


def _word(d):
    if d.due_at is None or d.resolved_at is None:
        return "on_time"
    if d.resolved_at > d.due_at:
        return "late"
    if d.resolved_at.astimezone(VN_TZ).date() < d.due_at.astimezone(VN_TZ).date():
        return "early"
    return "on_time"


def recount(dossiers, at, start=START, end=END):
    def inside(moment, until):
        return moment is not None and start <= moment < until

    received = [d for d in dossiers if inside(d.received_at, end)]
    finished = [d for d in dossiers if d.state in FINISHED and inside(d.resolved_at, at)]
    online = [d for d in received if d.channel == "online"]
    full = [d for d in online if d.procedure_version.online_level == "full"]
    waiting_desk = [
        d
        for d in dossiers
        if d.submitted_at is not None
        and d.submitted_at < at
        and (
            (d.received_at is not None and d.received_at >= at)
            or (
                d.received_at is None
                and (d.state == "submitted" or (d.closed_at is not None and d.closed_at > at))
            )
        )
    ]
    rated = [d for d in finished if hasattr(d, "rating")]
    counts = {
        "received": len(received),
        "received_online": len(online),
        "received_online_full": len(full),
        "received_online_partial": len(online) - len(full),
        "received_desk": sum(d.channel == "desk" for d in received),
        "received_post": sum(d.channel == "post" for d in received),
        "carried_over": sum(_open(d, start) for d in dossiers),
        "finished": len(finished),
        "finished_early": sum(_word(d) == "early" for d in finished),
        "finished_on_time": sum(_word(d) == "on_time" for d in finished),
        "finished_in_time": sum(_word(d) != "late" for d in finished),
        "finished_late": sum(_word(d) == "late" for d in finished),
        "refused": sum(d.state == "refused" and inside(d.closed_at, at) for d in dossiers),
        "in_progress": sum(_open(d, at) for d in dossiers),
        "overdue": sum(_overdue(d, at) for d in dossiers),
        "on_track": sum(_open(d, at) and not _overdue(d, at) for d in dossiers),
        "waiting_citizen": sum(
            _open(d, at) and (_stopped_now(d, at) or bool(_covering(d, at))) for d in dossiers
        ),
        "waiting_desk": len(waiting_desk),
        "inherited": sum(_open(d, at) and d.is_transferred for d in dossiers),
        "rated": len(rated),
    }
    average = None
    if rated:
        average = (Decimal(sum(d.rating.overall for d in rated)) / len(rated)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
    counts["rating_average"] = average
    counts["average_working_hours"] = average_working_hours(finished)
    return counts


def average_working_hours(finished):
    """Whole working seconds from reception to result in each dossier's unit calendar, every
    finished dossier whose result is not dated before its reception, averaged in hours."""
    seconds = [
        int(
            working_calendar(d.handling_unit)
            .working_time_between(d.received_at, d.resolved_at)
            .total_seconds()
        )
        for d in finished
        if d.received_at is not None and d.resolved_at >= d.received_at
    ]
    if not seconds:
        return None
    return (Decimal(sum(seconds)) / len(seconds) / 3600).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


DOSSIER_COUNTS = [k for k in COUNT_KEYS if FIGURES[k].subject == "dossier"]
DOSSIER_COUNTS = [k for k in DOSSIER_COUNTS if FIGURES[k].kind == "count"]
# The national scheme's figures are recounted in test_satisfaction_national.py.
DOSSIER_COUNTS = [k for k in DOSSIER_COUNTS if k not in national.KEYS]


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(dossier_specs, max_size=12), now_hours=st.integers(100, 1500))
def test_every_dossier_figure_equals_a_plain_recount(wards, procedure, specs, now_hours):
    kim_long, _thuan_hoa = wards
    now = START + timedelta(hours=now_hours)
    with transaction.atomic(), rollups.clock(now):
        for spec in specs:
            build(spec, kim_long, procedure)
        filters = parse_filters(
            {"period": "custom", "from": "01/03/2026", "to": "31/03/2026", "unit": KIM_LONG}
        )
        frame = stats.frame_for(
            user=User.objects.get(username="official.hue"), filters=filters, now=now
        )
        assert rolled.applies(frame)  # the figures come from the rollup (ADR 0015)
        values = compute(frame)
        dossiers = list(
            Dossier.objects.filter(handling_unit=kim_long)
            .select_related("procedure_version", "rating", "handling_unit")
            .prefetch_related("clock_stops")
        )
        expected = recount(dossiers, min(END, now))
        for key in [*DOSSIER_COUNTS, "rating_average", "average_working_hours"]:
            assert values[key] == expected[key], key
            if FIGURES[key].kind == "count":
                assert rows(frame, key).count() == expected[key], key
        # Periods that cut months (the rollup's whole months are read from their own rows,
        # `DossierRollupMonth`, the cut ones day by day), for the ward and the whole city.
        for first, last in (("15/02/2026", "20/03/2026"), ("01/02/2026", "10/04/2026")):
            start = vn(*reversed([int(n) for n in first.split("/")]), 0)
            end = vn(*reversed([int(n) for n in last.split("/")]), 0) + timedelta(days=1)
            for unit, rows_of in ((KIM_LONG, dossiers), (None, dossiers)):
                period = {"period": "custom", "from": first, "to": last}
                if unit:
                    period["unit"] = unit
                frame = stats.frame_for(
                    user=User.objects.get(username="official.hue"),
                    filters=parse_filters(period),
                    now=now,
                )
                assert rolled.applies(frame)
                values = compute(frame)
                expected = recount(rows_of, min(end, now), start, end)
                for key in [*DOSSIER_COUNTS, "rating_average", "average_working_hours"]:
                    assert values[key] == expected[key], (first, unit, key)
        # Form II.06a: the total and the one field's row are the same recount.
        report = period_report.period_report(frame, filters.query)
        for name, key in period_report.COLUMNS:
            assert report["total"][name] == expected[key], name
            by_field = {row["field"]: row[name] for row in report["rows"]}
            assert by_field.get(procedure.field.code, 0) == expected[key], name
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_average_working_time_counts_every_finished_dossier_not_a_sample(wards, procedure):
    """Above 500 finished dossiers the average was once taken over a sample; it is the sum of
    each one's working time over their number, from the rollup and from the rows alike."""
    kim_long, _thuan_hoa = wards
    now = END + timedelta(days=3)
    with transaction.atomic(), rollups.clock(now):
        for n in range(700):
            received = START + timedelta(hours=n % 500, minutes=7 * n % 60)
            make_dossier(
                unit=kim_long,
                procedure=procedure,
                state=("resolved", "rejected", "returned")[n % 3],
                channel="online",
                received_at=received,
                due_at=received + timedelta(days=10),
                # A spread of lengths: a few hours to a few weeks, one in 97 dated at reception.
                resolved_at=received + timedelta(minutes=(n * 733) % 30_000 if n % 97 else 0),
                closed_at=received + timedelta(days=30) if n % 3 == 2 else None,
            )
        march = {"period": "custom", "from": "01/03/2026", "to": "31/03/2026", "unit": KIM_LONG}
        filters = parse_filters(march)
        official = User.objects.get(username="official.hue")
        frame = stats.frame_for(user=official, filters=filters, now=now)
        finished = list(rows(frame, "finished").select_related("handling_unit").order_by("id"))
        assert len(finished) > 500
        expected = average_working_hours(finished)
        assert rolled.applies(frame)
        assert compute(frame, ["average_working_hours"])["average_working_hours"] == expected
        # The same figure over the rows, as a procedure's page reads it (no rollup there).
        by_procedure = parse_filters({**march, "procedure": procedure.code})
        frame = stats.frame_for(user=official, filters=by_procedure, now=now)
        assert not rolled.applies(frame)
        finished = list(rows(frame, "finished").select_related("handling_unit"))
        assert compute(frame, ["average_working_hours"])["average_working_hours"] == (
            average_working_hours(finished)
        )
        transaction.set_rollback(True)
