"""The dashboard's dossier counts from the exact rollup (ADR 0015, `applications.selectors.
rollups`): every count figure of `figures.FIGURES` that does not depend on the procedure, for a
whole frame or per unit or field, in two queries. The figures' querysets stay the definition
and the drill-down; `tests/dashboard/test_figures_recount.py` checks both against plain Python.
"""

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from applications.selectors import rollups

# The count figures the rollup gives (the others: reports, averages over rows).
KEYS = (
    "received", "received_online", "received_online_full", "received_online_partial",
    "received_desk", "received_post", "carried_over", "finished", "finished_early",
    "finished_on_time", "finished_in_time", "finished_late", "refused", "in_progress",
    "on_track", "overdue", "waiting_citizen", "waiting_desk", "inherited", "rated",
)  # fmt: skip


def applies(frame) -> bool:
    return frame.slice is not None and rollups.usable(frame.start, frame.end, frame.at)


def _values(channels: dict) -> dict:
    total = {name: sum(c[name] for c in channels.values()) for name in next(
        iter(channels.values()), {})}  # fmt: skip
    if not channels:
        total = dict.fromkeys((*rollups.FLOWS, *rollups.UP_TO_AT, *rollups.STOCKS,
                               "carried_over"), 0)  # fmt: skip
    by_channel = {name: channels.get(name, {}).get("received", 0) for name in (
        "online", "desk", "post")}  # fmt: skip
    in_time = total["finished_early"] + total["finished_on_time"]
    return {
        "received": total["received"],
        "received_online": by_channel["online"],
        "received_online_full": total["received_online_full"],
        "received_online_partial": by_channel["online"] - total["received_online_full"],
        "received_desk": by_channel["desk"],
        "received_post": by_channel["post"],
        "carried_over": total["carried_over"],
        "finished": in_time + total["finished_late"],
        "finished_early": total["finished_early"],
        "finished_on_time": total["finished_on_time"],
        "finished_in_time": in_time,
        "finished_late": total["finished_late"],
        "refused": total["refused"],
        "in_progress": total["open"],
        "on_track": total["open"] - total["overdue"],
        "overdue": total["overdue"],
        "waiting_citizen": total["waiting_citizen"],
        "waiting_desk": total["waiting_desk"],
        "inherited": total["open_inherited"],
        "rated": total["rated"],
        # Not figures of their own: what the 766 index reads beside them.
        "received_fee": total["received_fee"],
        "received_digitised": total["received_digitised"],
        "finished_e_result": total["finished_e_result"],
        "rating_average": None
        if not total["rated"]
        else (Decimal(total["rating_sum"]) / total["rated"]).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        ),
        "average_working_hours": None
        if not total["timed"]
        else (Decimal(total["working_seconds"]) / total["timed"] / 3600).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        ),
    }


@lru_cache(maxsize=8)
def _by_unit(frame) -> dict:
    """One read per frame (a request's own: its `now` is in it) for the whole and its units."""
    return rollups.figures(frame.slice, start=frame.start, end=frame.end, at=frame.at, by="unit")


def counts(frame, by: str | None = None) -> dict:
    """{group id (None for the whole): {figure key: value}}; `by` "unit" or "field" (ids).
    The whole is the sum of its units (every dossier has one handling unit)."""
    if by == "field":
        found = rollups.figures(frame.slice, start=frame.start, end=frame.end, at=frame.at, by=by)
        return {key: _values(channels) for key, channels in found.items()}
    units = _by_unit(frame)
    if by == "unit":
        return {key: _values(channels) for key, channels in units.items()}
    whole: dict = {}
    for channels in units.values():
        for channel, values in channels.items():
            into = whole.setdefault(channel, dict.fromkeys(values, 0))
            for name, value in values.items():
                into[name] += value
    return {None: _values(whole)}


def weekly(frame) -> dict:
    return rollups.weekly(frame.slice, start=frame.start, end=frame.end, at=frame.at)
