"""What the officials' pages are asked for (issue 12): a period, chosen by preset or by dates,
and the unit, field, procedure and channel. Dates are Asia/Ho_Chi_Minh dates written
dd/mm/yyyy (YYYY-MM-DD is read too, as the statistics API takes it).

Presets: this month, last month, this quarter, this half-year, this year, each whole (the
figures of a period not yet over are judged now, `Filters.at`), or custom `from` / `to`. With
nothing chosen: this month. The unit, field and procedure are read by the statistics query
(`procedures.stats.parse_query`), so that bad codes answer the same way everywhere.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Channel
from portal.core.errors import ErrorCode
from portal.core.time import VN_TZ
from procedures.stats import InvalidStatsQuery, StatsQuery, parse_query

PRESETS = {
    "this_month": gettext_lazy("This month"),
    "last_month": gettext_lazy("Last month"),
    "quarter": gettext_lazy("This quarter"),
    "half_year": gettext_lazy("This half-year"),
    "year": gettext_lazy("This year"),
    "custom": gettext_lazy("Custom dates"),
}
DEFAULT_PRESET = "this_month"


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def preset_dates(preset: str, today: date) -> tuple[date, date]:
    """The first and last day of a preset period around `today`."""
    if preset == "last_month":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if preset == "quarter":
        first = 3 * ((today.month - 1) // 3) + 1
        start = today.replace(month=first, day=1)
        return start, _month_end(start.replace(month=first + 2))
    if preset == "half_year":
        first = 1 if today.month <= 6 else 7
        start = today.replace(month=first, day=1)
        return start, _month_end(start.replace(month=first + 5))
    if preset == "year":
        return today.replace(month=1, day=1), today.replace(month=12, day=31)
    return today.replace(day=1), _month_end(today)


def _iso(value: str, name: str) -> str:
    """dd/mm/yyyy (or YYYY-MM-DD) as YYYY-MM-DD; a clear message otherwise."""
    value = value.strip()
    if "/" not in value:
        return value
    try:
        day, month, year = (int(part) for part in value.split("/"))
        return date(year, month, day).isoformat()
    except ValueError:
        raise InvalidStatsQuery(
            _("“%(name)s” must be a date written dd/mm/yyyy.") % {"name": name},
            code=ErrorCode.INVALID_DATE,
        ) from None


@dataclass(frozen=True)
class Filters:
    query: StatsQuery
    preset: str = DEFAULT_PRESET
    channel: str | None = None

    @property
    def start(self) -> datetime:
        return self.query.bounds()[0]

    @property
    def end(self) -> datetime:
        return self.query.bounds()[1]

    def at(self, now: datetime) -> datetime:
        """The moment the period's open dossiers are judged: its end, or now if sooner."""
        return min(self.end, now)

    def params(self, **changes) -> dict[str, str]:
        """The filters as query parameters (for links that keep them), with `changes`."""
        params = {"period": self.preset}
        if self.preset == "custom":
            params["from"] = self.query.start.strftime("%d/%m/%Y")
            params["to"] = self.query.end.strftime("%d/%m/%Y")
        for name in ("unit", "field", "procedure"):
            value = getattr(self.query, name)
            if value is not None:
                params[name] = value.code
        if self.channel:
            params["channel"] = self.channel
        params.update({k: v for k, v in changes.items() if v is not None})
        return {k: v for k, v in params.items() if v != ""}

    def urlencode(self, **changes) -> str:
        return urlencode(self.params(**changes))


def parse_filters(params, *, today: date | None = None) -> Filters:
    """The filters of a request; `InvalidStatsQuery` (400 with its code) for bad input."""
    today = today or timezone.localdate(timezone.now(), VN_TZ)
    preset = (params.get("period") or "").strip()
    raw_from = (params.get("from") or "").strip()
    raw_to = (params.get("to") or "").strip()
    if not preset:
        preset = "custom" if raw_from or raw_to else DEFAULT_PRESET
    if preset not in PRESETS:
        raise InvalidStatsQuery(
            _("Choose a period among: %(choices)s.") % {"choices": ", ".join(PRESETS)},
            code=ErrorCode.INVALID_PERIOD,
        )
    values = {name: params.get(name) or "" for name in ("unit", "field", "procedure")}
    if preset == "custom":
        values["from"] = _iso(raw_from, "from") if raw_from else ""
        values["to"] = _iso(raw_to, "to") if raw_to else ""
    else:
        start, end = preset_dates(preset, today)
        values["from"], values["to"] = start.isoformat(), end.isoformat()
    query = parse_query(values, today=today)
    channel = (params.get("channel") or "").strip() or None
    if channel is not None and channel not in Channel.values:
        raise InvalidStatsQuery(
            _("Choose a channel among: %(choices)s.") % {"choices": ", ".join(Channel.values)},
            code=ErrorCode.INVALID_CHANNEL,
        )
    return Filters(query=query, preset=preset, channel=channel)
