"""Synthetic dossiers for the demo and for benchmarks, written in bulk.

Every row is consistent with the rules: codes from the unit's counter (no gaps, no reuse),
receipt normalised to working time, due moments from the procedure version and the calendar,
a history row for each step. Used by `seed_demo` and `generate_dossiers N`.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from applications.models import Channel, CodeCounter, Dossier, DossierEvent, ReturnMethod, State
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


def generate_dossiers(
    *,
    count: int,
    seed: int = 2025,
    days: int = 60,
    units=None,
    key_prefix: str = "gen",
    batch: int = 5000,
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
    calendars = {u.pk: working_calendar(u) for u in units}
    states = [s for s, _ in STATE_WEIGHTS]
    weights = [w for _, w in STATE_WEIGHTS]
    now = timezone.now()
    made = 0
    while made < count:
        size = min(batch, count - made)
        with transaction.atomic():
            _batch(
                rng,
                size,
                made,
                procedures,
                units,
                calendars,
                states,
                weights,
                now,
                days,
                key_prefix,
            )
        made += size
    return made


def _batch(rng, size, offset, procedures, units, calendars, states, weights, now, days, key_prefix):
    drafts = []
    for i in range(size):
        unit = units[0] if rng.random() < 0.3 else rng.choice(units)
        procedure = rng.choice(procedures)
        version = procedure.current_version
        submitted = now - timedelta(minutes=rng.randint(30, days * 24 * 60))
        state = rng.choices(states, weights)[0]
        drafts.append((unit, procedure, version, submitted, state, offset + i))
    # Codes: per unit and day, continuing each counter under its row lock.
    needed: dict[tuple[int, object], int] = {}
    for unit, _, _, submitted, _, _ in drafts:
        key = (unit.pk, timezone.localdate(submitted))
        needed[key] = needed.get(key, 0) + 1
    CodeCounter.objects.bulk_create(
        [CodeCounter(unit_id=u, day=d, last=0) for u, d in needed], ignore_conflicts=True
    )
    next_seq = {}
    for counter in CodeCounter.objects.select_for_update().filter(
        unit_id__in={u for u, _ in needed}, day__in={d for _, d in needed}
    ):
        key = (counter.unit_id, counter.day)
        if key in needed:
            next_seq[key] = counter.last + 1
            counter.last += needed[key]
            counter.save(update_fields=["last"])
    dossiers = []
    for unit, procedure, version, submitted, state, n in drafts:
        day = timezone.localdate(submitted)
        seq = next_seq[(unit.pk, day)]
        next_seq[(unit.pk, day)] = seq + 1
        dossiers.append(
            _dossier(
                rng,
                unit,
                procedure,
                version,
                submitted,
                state,
                n,
                day,
                seq,
                calendars,
                now,
                key_prefix,
            )
        )
    Dossier.objects.bulk_create(dossiers, batch_size=2000)
    events = []
    for dossier in dossiers:
        events.extend(_events(dossier))
    DossierEvent.objects.bulk_create(events, batch_size=5000)


def _dossier(
    rng, unit, procedure, version, submitted, state, n, day, seq, calendars, now, key_prefix
):
    calendar = calendars[unit.pk]
    online = rng.random() < 0.9
    phone = "09" + "".join(str(rng.randint(0, 9)) for _ in range(8))
    dossier = Dossier(
        code=f"{unit.code}-{day:%y%m%d}-{seq:04d}",
        procedure=procedure,
        procedure_version=version,
        receiving_unit=unit,
        handling_unit=unit,
        applicant_name=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
        applicant_id_number="046" + "".join(str(rng.randint(0, 9)) for _ in range(9)),
        applicant_phone=phone,
        channel=Channel.ONLINE
        if online
        else rng.choice([Channel.DESK, Channel.DESK, Channel.POST]),
        state=state,
        fee_vnd=version.fee_vnd,
        submitted_at=submitted,
        submission_key=f"{key_prefix}-{n}",
    )
    if state in (State.SUBMITTED, State.REFUSED):
        if state == State.REFUSED:
            dossier.reason = "Hồ sơ không thuộc thẩm quyền tiếp nhận"
            dossier.closed_at = submitted + timedelta(hours=2)
        return dossier
    received = calendar.normalise(submitted)
    due = calendar.due_at(
        received,
        unit=version.processing_unit,
        amount=version.processing_amount,
        cutoff=version.cutoff,
    )
    dossier.received_at, dossier.due_at = received, due
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
        dossier.resolved_at = finished
        if state == State.REJECTED:
            dossier.reason = "Không đủ điều kiện theo quy định"
        if state == State.RETURNED:
            dossier.returned_at = min(finished + timedelta(hours=rng.randint(1, 48)), now)
            dossier.closed_at = dossier.returned_at
            dossier.return_method = ReturnMethod.ELECTRONIC if online else ReturnMethod.DESK
        else:
            dossier.result_number = f"{rng.randint(1, 999)}/QĐ-UBND"
    elif state in (State.AWAITING_SUPPLEMENT, State.AWAITING_PAYMENT):
        dossier.clock_stopped_at = min(received + span * rng.uniform(0.1, 0.6), now)
        dossier.supplement_requests = 1 if state == State.AWAITING_SUPPLEMENT else 0
    elif state in (State.WITHDRAWN, State.STOPPED):
        dossier.closed_at = min(received + span * 0.3, now)
        dossier.reason = (
            "Công dân rút hồ sơ" if state == State.WITHDRAWN else "Dừng giải quyết theo thông báo"
        )
    return dossier


def _events(dossier):
    steps = [("submit", "", State.SUBMITTED, dossier.submitted_at)]
    if dossier.received_at:
        steps.append(("receive", State.SUBMITTED, State.RECEIVED, dossier.received_at))
    final = {
        State.REFUSED: ("refuse", State.SUBMITTED, dossier.closed_at),
        State.IN_REVIEW: ("start_review", State.RECEIVED, dossier.received_at),
        State.AWAITING_SUPPLEMENT: ("request_supplement", State.RECEIVED, dossier.clock_stopped_at),
        State.AWAITING_PAYMENT: ("request_payment", State.RECEIVED, dossier.clock_stopped_at),
        State.RESOLVED: ("resolve", State.RECEIVED, dossier.resolved_at),
        State.REJECTED: ("reject", State.RECEIVED, dossier.resolved_at),
        State.RETURNED: ("return_result", State.RESOLVED, dossier.returned_at),
        State.WITHDRAWN: ("withdraw", State.RECEIVED, dossier.closed_at),
        State.STOPPED: ("stop", State.RECEIVED, dossier.closed_at),
    }.get(dossier.state)
    if final and dossier.state == State.RETURNED:
        steps.append(("resolve", State.RECEIVED, State.RESOLVED, dossier.resolved_at))
    if final:
        steps.append((final[0], final[1], dossier.state, final[2]))
    return [
        DossierEvent(
            dossier=dossier,
            action=action,
            from_state=src,
            to_state=dst,
            actor=None,
            actor_label="system (generated)",
            at=at,
            note=dossier.reason if action in ("refuse", "reject") else "",
        )
        for action, src, dst, at in steps
    ]
