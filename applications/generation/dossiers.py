"""Synthetic dossiers for the demo and for benchmarks, written in bulk.

Every row is consistent with the rules: codes from the unit's counter (no gaps, no reuse),
receipt normalised to working time, due moments from the procedure version and the calendar,
a history row for each step. Used by `seed_demo` and `generate_dossiers N`.

A million dossiers must load in minutes on a small machine (bench/dossiers.py), so rows are built
as plain values, not model instances: on PostgreSQL they go in with COPY (ids reserved from the
table's sequence first, so the history rows can point at them), elsewhere with `bulk_create`.
The same seed gives the same dossiers either way.
"""

import random
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from applications import deadlines
from applications.generation.copy import _copy_rows, _layout
from applications.models import Channel, Dossier, DossierEvent, ReturnMethod, State
from applications.workflow import EventType
from portal.core.sequences import DOSSIER_CODE, reserve_numbers
from procedures.models import Procedure, Unit, UnitKind
from procedures.services import working_calendar

# Roughly what Kim Long reports: most dossiers finished on time, a few late or overdue.
STATE_WEIGHTS = [
    (State.RETURNED, 45),
    (State.RESOLVED, 10),
    (State.IN_REVIEW, 14),
    (State.RECEIVED, 10),
    (State.AWAITING_SUPPLEMENT, 5),
    (State.AWAITING_PAYMENT, 2),
    (State.SUBMITTED, 5),
    (State.REJECTED, 3),
    (State.REFUSED, 2),
    (State.WITHDRAWN, 2),
    (State.STOPPED, 2),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Hữu", "Thanh", "Quang", "Thu"]
GIVEN = [
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hương",
    "Khoa",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Phúc",
]
EVENT_ACTOR_LABEL = "system (generated)"


def generate_dossiers(
    *,
    count: int,
    seed: int = 2025,
    days: int = 60,
    units=None,
    key_prefix: str = "gen",
    batch: int = 20000,
) -> int:
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    procedures = list(
        Procedure.objects.filter(
            is_active=True, current_version__processing_unit__in=["working_days", "same_day"]
        )
        .select_related("current_version")
        .order_by("code")
    )
    units = list(
        units or Unit.objects.filter(kind__in=[UnitKind.WARD, UnitKind.COMMUNE]).order_by("code")
    )
    context = _Context(rng, procedures, units, timezone.now(), days, key_prefix)
    made = 0
    while made < count:
        size = min(batch, count - made)
        with transaction.atomic():
            _batch(context, size, made)
        made += size
    return made


class _Context:
    """What every batch shares: the choices, each unit's calendar, the column layout."""

    def __init__(self, rng, procedures, units, now, days, key_prefix):
        self.rng = rng
        self.procedures = procedures
        self.units = units
        self.now = now
        self.days = days
        self.key_prefix = key_prefix
        self.states = [s for s, _ in STATE_WEIGHTS]
        self.weights = [w for _, w in STATE_WEIGHTS]
        self.tz = timezone.get_current_timezone()
        # Units with the same working periods share one calendar, so its public holidays and
        # due moments are worked out once.
        by_periods = {}
        self.calendars = {}
        for unit in units:
            periods = unit.work_periods
            if periods not in by_periods:
                by_periods[periods] = _CachedCalendar(working_calendar(unit))
            self.calendars[unit.pk] = by_periods[periods]
        self.use_copy = connection.vendor == "postgresql"
        if self.use_copy:
            self.dossier_layout, self.dossier_required = _layout(Dossier, skip={"id"})
            self.event_layout, _ = _layout(DossierEvent, skip={"id"})


class _CachedCalendar:
    """A unit's working calendar with its answers remembered.

    Receipt moments are normalised to working time, so many dossiers share one (the opening of
    a period after a night or a weekend), and the due moment depends only on that moment and the
    procedure version's processing time.
    """

    def __init__(self, calendar):
        self.calendar = calendar
        self._due: dict[tuple, datetime] = {}

    def normalise(self, moment: datetime) -> datetime:
        return self.calendar.normalise(moment)

    def due_at(self, received: datetime, *, unit, amount, cutoff) -> datetime:
        key = (received, unit, amount, cutoff)
        due = self._due.get(key)
        if due is None:
            due = self.calendar.due_at(received, unit=unit, amount=amount, cutoff=cutoff)
            if len(self._due) > 200_000:
                self._due.clear()
            self._due[key] = due
        return due

    def working_seconds(self, received: datetime, resolved: datetime) -> int | None:
        return deadlines.working_seconds(self.calendar, received, resolved)


def _batch(ctx: _Context, size: int, offset: int) -> None:
    rng, now, units, procedures = ctx.rng, ctx.now, ctx.units, ctx.procedures
    first_unit, tz, minutes = units[0], ctx.tz, ctx.days * 24 * 60
    drafts = []
    needed: dict[tuple[int, date], int] = {}
    for i in range(size):
        unit = first_unit if rng.random() < 0.3 else rng.choice(units)
        procedure = rng.choice(procedures)
        submitted = now - timedelta(minutes=rng.randint(30, minutes))
        state = rng.choices(ctx.states, ctx.weights)[0]
        day = submitted.astimezone(tz).date()
        drafts.append((unit, procedure, submitted, state, offset + i, day))
        key = (unit.pk, day)
        needed[key] = needed.get(key, 0) + 1
    next_seq = _reserve_codes(needed)
    rows = []
    for unit, procedure, submitted, state, n, day in drafts:
        key = (unit.pk, day)
        seq = next_seq[key]
        next_seq[key] = seq + 1
        rows.append(_dossier(ctx, unit, procedure, submitted, state, n, day, seq))
    if ctx.use_copy:
        _copy_rows(ctx, rows)
    else:
        dossiers = [Dossier(**values) for values in rows]
        Dossier.objects.bulk_create(dossiers, batch_size=2000)
        DossierEvent.objects.bulk_create(
            [
                DossierEvent(dossier_id=dossier.pk, **event)
                for dossier, values in zip(dossiers, rows, strict=True)
                for event in _events(values)
            ],
            batch_size=5000,
        )


def _reserve_codes(needed: dict[tuple[int, date], int]) -> dict[tuple[int, date], int]:
    """Continue each unit-and-day counter under its row lock, as `allocate_code` does one by
    one: the first sequence of each key in this batch (the kernel's `reserve_numbers`)."""
    return reserve_numbers(DOSSIER_CODE, needed)


def _dossier(ctx: _Context, unit, procedure, submitted, state, n, day, seq) -> dict:
    """A dossier's field values (attribute names), consistent with its state."""
    rng, now = ctx.rng, ctx.now
    version = procedure.current_version
    online = rng.random() < 0.9
    phone = "09" + _digits(rng, 8)
    values = {
        "code": f"{unit.code}-{day:%y%m%d}-{seq:04d}",
        "procedure_id": procedure.pk,
        "procedure_version_id": version.pk,
        "receiving_unit_id": unit.pk,
        "handling_unit_id": unit.pk,
        "applicant_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
        "applicant_id_number": "046" + _digits(rng, 9),
        "applicant_phone": phone,
        "channel": Channel.ONLINE
        if online
        else rng.choice([Channel.DESK, Channel.DESK, Channel.POST]),
        "state": state,
        "fee_vnd": version.fee_vnd,
        "submitted_at": submitted,
        "submission_key": f"{ctx.key_prefix}-{n}",
    }
    if state in (State.SUBMITTED, State.REFUSED):
        if state == State.REFUSED:
            values["reason"] = "Hồ sơ không thuộc thẩm quyền tiếp nhận"
            values["closed_at"] = min(submitted + timedelta(hours=2), now)
        return values
    calendar = ctx.calendars[unit.pk]
    received = calendar.normalise(submitted)
    if received > now:
        # Sent outside working time and the office has not opened since: still at the desk.
        values["state"] = State.SUBMITTED
        return values
    due = calendar.due_at(
        received,
        unit=version.processing_unit,
        amount=version.processing_amount,
        cutoff=version.cutoff,
    )
    values["received_at"], values["due_at"] = received, due
    values["appointment_at"], values["sets"] = due, 1
    span = max(due - received, timedelta(hours=1))
    if state in (State.RETURNED, State.RESOLVED, State.REJECTED):
        late = rng.random() < 0.03
        finished = (
            due + span * rng.uniform(0.05, 0.5)
            if late
            else received + span * rng.uniform(0.2, 0.98)
        )
        if finished > now:
            finished = now - timedelta(minutes=5)
        values["resolved_at"] = finished
        values["working_seconds"] = calendar.working_seconds(received, finished)
        if state == State.REJECTED:
            values["reason"] = "Không đủ điều kiện theo quy định"
        if state == State.RETURNED:
            returned = min(finished + timedelta(hours=rng.randint(1, 48)), now)
            values["returned_at"] = values["closed_at"] = returned
            values["return_method"] = ReturnMethod.ELECTRONIC if online else ReturnMethod.DESK
        else:
            values["result_number"] = f"{rng.randint(1, 999)}/QĐ-UBND"
    elif state in (State.AWAITING_SUPPLEMENT, State.AWAITING_PAYMENT):
        values["clock_stopped_at"] = min(received + span * rng.uniform(0.1, 0.6), now)
        values["supplement_requests"] = 1 if state == State.AWAITING_SUPPLEMENT else 0
    elif state in (State.WITHDRAWN, State.STOPPED):
        values["closed_at"] = min(received + span * 0.3, now)
        values["reason"] = (
            "Công dân rút hồ sơ" if state == State.WITHDRAWN else "Dừng giải quyết theo thông báo"
        )
    return values


def _digits(rng, count: int) -> str:
    """`count` random decimal digits: the same draws as `rng.randint(0, 9)` each (CPython draws
    4 bits and redraws 10-15), without its per-call overhead (two digits per dossier field)."""
    bits = rng.getrandbits
    out = []
    for _ in range(count):
        r = bits(4)
        while r >= 10:
            r = bits(4)
        out.append(_DIGITS[r])
    return "".join(out)


_DIGITS = "0123456789"


def _events(values: dict) -> list[dict]:
    """The history rows of a generated dossier: each step from submission to its state."""
    state = values["state"]
    received, resolved = values.get("received_at"), values.get("resolved_at")
    closed, stopped = values.get("closed_at"), values.get("clock_stopped_at")
    steps = [(EventType.SUBMIT, "", State.SUBMITTED, values["submitted_at"])]
    if received:
        steps.append((EventType.RECEIVE, State.SUBMITTED, State.RECEIVED, received))
    final = {
        State.REFUSED: (EventType.REFUSE, State.SUBMITTED, closed),
        State.IN_REVIEW: (EventType.START_REVIEW, State.RECEIVED, received),
        State.AWAITING_SUPPLEMENT: (EventType.REQUEST_SUPPLEMENT, State.RECEIVED, stopped),
        State.AWAITING_PAYMENT: (EventType.REQUEST_PAYMENT, State.RECEIVED, stopped),
        State.RESOLVED: (EventType.RESOLVE, State.RECEIVED, resolved),
        State.REJECTED: (EventType.REJECT, State.RECEIVED, resolved),
        State.RETURNED: (EventType.RETURN_RESULT, State.RESOLVED, values.get("returned_at")),
        State.WITHDRAWN: (EventType.WITHDRAW, State.RECEIVED, closed),
        State.STOPPED: (EventType.STOP, State.RECEIVED, closed),
    }.get(state)
    if final and state == State.RETURNED:
        steps.append((EventType.RESOLVE, State.RECEIVED, State.RESOLVED, resolved))
    if final:
        steps.append((final[0], final[1], state, final[2]))
    reason = values.get("reason", "")
    return [
        {
            "action": action,
            "from_state": src,
            "to_state": dst,
            "actor_id": None,
            "actor_label": EVENT_ACTOR_LABEL,
            "at": at,
            "note": reason if action in (EventType.REFUSE, EventType.REJECT) else "",
        }
        for action, src, dst, at in steps
    ]
