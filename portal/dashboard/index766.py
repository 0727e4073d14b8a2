"""Decision 766/QĐ-TTg's service index, all six groups (LEGAL.md; DESIGN.md `index_766`).

Each sub-indicator is scored by the national rule: at or above its threshold the full points,
below it points * ratio ÷ threshold; with no threshold points * ratio. Its ratio comes from the
dashboard's figures (`figures.FIGURES`: open dossiers judged at the period's end, carried-over
dossiers counted) or from what else MotCua holds. An item MotCua holds no data for has `value`
and `points` null and says so in `formula`: it is never scored by a constant, and the total is
the sum of the items scored.

Where LEGAL.md gives a group's points but not each item's (online services), the points are
split evenly, as the formula says.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from applications.models import Attachment, Complaint, Payment, ReturnMethod
from applications.selectors import stats as dossier_stats
from feedback import stats as report_stats
from portal.dashboard import rolled
from portal.dashboard.figures import FIGURES, Frame, compute
from procedures.models import OnlineLevel, Procedure

NO_DATA = "MotCua holds no data for this item: not scored."
TWO = Decimal("0.01")


def _ratio(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return min(Decimal(part) / whole, Decimal(1))


def _item(key: str, points: int, ratio: Decimal | None, formula: str, threshold=None) -> dict:
    if ratio is None:
        if NO_DATA not in formula:
            formula += " Nothing to judge in this period: not scored."
        return {"key": key, "points": None, "max": points, "value": None, "formula": formula}
    if threshold is not None:
        scored = points * min(ratio / Decimal(threshold), Decimal(1))
        formula += f" Full {points} at or above {int(threshold * 100)}%, else {points} * ratio ÷ "
        formula += f"{int(threshold * 100)}%."
    else:
        scored = points * ratio
        formula += f" Points: {points} * ratio."
    return {
        "key": key,
        "points": scored.quantize(TWO, rounding=ROUND_HALF_UP),
        "max": points,
        "value": (100 * ratio).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
        "formula": formula,
    }


def _none(key: str, points: int, what: str) -> dict:
    return _item(key, points, None, f"{what} {NO_DATA}")


def _dossier_counts(frame: Frame) -> dict:
    """The figures the index reads (from the rollup where it applies, `figures.compute`) and
    the rest in one aggregate query over the period's dossiers."""
    keys = ("received", "received_online", "carried_over", "finished", "finished_in_time",
            "finished_late", "on_track", "overdue")  # fmt: skip
    received = dossier_stats.between("received_at", frame.start, frame.end)
    finished = dossier_stats.finished_between(frame.start, frame.at)
    carried = dossier_stats.open_at(frame.start)
    paid = Payment.objects.filter(dossier=OuterRef("pk"), status=Payment.Status.PAID)
    if rolled.applies(frame):
        found = rolled.counts(frame)[None]
        # Payments and complaints are few: counted from their side.
        fee_received = frame.dossiers.filter(received, fee_vnd__gt=0)
        handled = frame.dossiers.filter(received | carried)
        return {
            **{key: found[key] for key in keys},
            "fee": found["received_fee"],
            "e_result": found["finished_e_result"],
            "digitised": found["received_digitised"],
            "paid": fee_received.filter(
                pk__in=Payment.objects.filter(status=Payment.Status.PAID).values("dossier_id")
            ).count(),
            "complained": handled.filter(pk__in=Complaint.objects.values("dossier_id")).count(),
        }
    c = compute(frame, keys)
    rows = frame.dossiers.filter(received | finished | carried).aggregate(
        fee=Count("id", filter=received & Q(fee_vnd__gt=0)),
        paid=Count("id", filter=received & Q(fee_vnd__gt=0) & Q(Exists(paid))),
        e_result=Count("id", filter=finished & Q(return_method=ReturnMethod.ELECTRONIC)),
        digitised=Count(
            "id", filter=received & Q(Exists(Attachment.objects.filter(dossier=OuterRef("pk"))))
        ),
        complained=Count(
            "id",
            filter=(received | carried)
            & Q(Exists(Complaint.objects.filter(dossier=OuterRef("pk")))),
        ),
    )
    return {**c, **rows}


def _procedure_counts(frame: Frame) -> dict:
    """Active procedures, those offered online, those with complete content and those offered
    online that received an online dossier in the period: one query."""
    online = FIGURES["received_online"].build(frame).filter(procedure=OuterRef("pk"))
    offered = ~Q(current_version__online_level=OnlineLevel.NONE)
    return Procedure.objects.filter(is_active=True, current_version__isnull=False).aggregate(
        total=Count("id"),
        offered=Count("id", filter=offered),
        used=Count("id", filter=offered & Q(Exists(online))),
        complete=Count(
            "id",
            filter=~Q(current_version__legal_basis="") & ~Q(current_version__authority_vi=""),
        ),
    )


def _report_counts(frame: Frame) -> dict:
    if frame.reports is None:
        return dict.fromkeys(("received", "on_time", "rated", "satisfied"))
    reports = FIGURES["reports_received"].build(frame)
    return reports.aggregate(
        received=Count("id"),
        on_time=Count("id", filter=report_stats.PICKED_UP_ON_TIME),
        rated=Count("id", filter=Q(rating__isnull=False)),
        satisfied=Count("id", filter=Q(rating__gte=4)),
    )


def _groups(frame: Frame) -> list[tuple[str, int, list[dict]]]:
    c = _dossier_counts(frame)
    p = _procedure_counts(frame)
    r = _report_counts(frame)
    handled = c["received"] + c["carried_over"]
    return [
        ("publicity", 18, [
            _none("published_on_time", 6, "Procedures published on time (decision dates)."),
            _none("updated_on_time", 4, "Procedures updated on time (decision dates)."),
            _item("complete_content", 2, _ratio(p["complete"], p["total"]),
                  "Active procedures whose current version names its legal basis and "
                  "authority ÷ active procedures."),
            _none("synced_national_portal", 6, "Procedures synced to the national portal."),
        ]),
        ("progress", 20, [
            _item("progress", 20, _ratio(c["finished_in_time"] + c["on_track"], handled),
                  "(Finished early or on time in the period + open within time at its end) ÷ "
                  "(received + carried over)."),
        ]),
        ("online", 12, [
            _item("procedures_online", 4, _ratio(p["offered"], p["total"]),
                  "Procedures offered online (fully or partly) ÷ active procedures.", 0.8),
            _item("online_services_used", 4, _ratio(p["used"], p["offered"]),
                  "Procedures offered online that received an online dossier in the period "
                  "÷ procedures offered online."),
            _item("online_share", 4, _ratio(c["received_online"], c["received"]),
                  "Dossiers received online ÷ received.", 0.5),
        ]),
        ("payment", 10, [
            _none("fee_procedures_payable_online", 2, "Fee procedures with online payment."),
            _none("fee_procedures_integrated", 2, "Fee procedures integrated with the "
                  "national payment platform."),
            _item("paid_online", 6, _ratio(c["paid"], c["fee"]),
                  "Dossiers with a fee received in the period and paid online ÷ those with a "
                  "fee."),
        ]),
        ("digitisation", 22, [
            _item("e_result", 6, _ratio(c["e_result"], c["finished"]),
                "Finished in the period with the result returned electronically ÷ finished."),
            _item("digitised", 4, _ratio(c["digitised"], c["received"]),
                  "Received dossiers with scanned or uploaded files ÷ received.", 0.8),
            _none("e_certified_copies", 2, "Electronic certified copies."),
            _none("data_reused", 2, "Data reused instead of papers."),
            _none("citizen_store", 4, "Results linked to the citizen's data store."),
            _none("population_data_used", 2, "Population data used."),
            _none("procedures_population_data", 2, "Procedures connected to population data."),
        ]),
        ("satisfaction", 18, [
            _item("feedback_on_time", 6, _ratio(r["on_time"] or 0, r["received"] or 0),
                  "Neighbourhood reports picked up within the target ÷ reports made."),
            _item("feedback_satisfaction", 6, _ratio(r["satisfied"] or 0, r["rated"] or 0),
                  "Reports whose answer was rated 4 or 5 ÷ reports rated."),
            _item("dossier_satisfaction", 6, None if not handled else max(
                Decimal(1) - Decimal(c["finished_late"] + c["overdue"] + c["complained"])
                / handled, Decimal(0)),
                "100% - ((finished late + open overdue) ÷ (received + carried over) + "
                "dossiers complained about ÷ (received + carried over)).", 0.9),
        ]),
    ]  # fmt: skip


def index_766(frame: Frame) -> dict:
    groups: list[dict[str, Any]] = []
    for key, points, items in _groups(frame):
        scored = [item["points"] for item in items if item["points"] is not None]
        groups.append(
            {"key": key, "points": sum(scored) if scored else None, "max": points, "items": items}
        )
    total = sum(group["points"] for group in groups if group["points"] is not None)
    return {"total": Decimal(total).quantize(TWO), "max": 100, "groups": groups}
