"""What officials ask figures for: a period and, optionally, a unit, field or procedure.

Both domains count against the same query, dossiers (`applications.selectors.stats`) and
neighbourhood reports (`feedback.stats`); the dashboard and the statistics API
(`portal.dashboard`) parse it once. Dates are Asia/Ho_Chi_Minh dates, `end` included.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.core import limits
from portal.core.errors import DomainError, ErrorCode
from portal.core.time import VN_TZ
from procedures.models import Field, Procedure, Unit

MAX_DAYS = 366  # a leap year: a whole year is always one request


class InvalidStatsQuery(DomainError):
    code = ErrorCode.INVALID
    default_message = gettext_lazy("These statistics cannot be computed for this request.")


@dataclass(frozen=True)
class StatsQuery:
    start: date
    end: date
    unit: Unit | None = None
    field: Field | None = None
    procedure: Procedure | None = None

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as moments: from `start`'s midnight up to, not including, the midnight
        after `end`, in Vietnam."""
        return (
            datetime.combine(self.start, time.min, tzinfo=VN_TZ),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=VN_TZ),
        )


def _parse_date(value: str, name: str) -> date:
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidStatsQuery(
            _("“%(name)s” must be a date written YYYY-MM-DD.") % {"name": name},
            code=ErrorCode.INVALID_DATE,
        ) from None
    if not limits.date_in_range(day):
        raise InvalidStatsQuery(
            _("“%(name)s” must be a date between %(earliest)s and %(latest)s.")
            % {"name": name, "earliest": limits.EARLIEST, "latest": limits.LATEST},
            code=ErrorCode.INVALID_DATE,
        )
    return day


def parse_query(params, *, today: date | None = None) -> StatsQuery:
    """`from`, `to` (YYYY-MM-DD), `unit`, `field`, `procedure` codes. With no dates: the current
    month up to today; with only `to`: its month up to it; with only `from`: up to today."""
    today = today or timezone.localdate(timezone.now(), VN_TZ)
    raw_from = (params.get("from") or "").strip()
    raw_to = (params.get("to") or "").strip()
    end = _parse_date(raw_to, "to") if raw_to else today
    start = _parse_date(raw_from, "from") if raw_from else end.replace(day=1)
    if start > end:
        raise InvalidStatsQuery(
            _("The period starts after it ends."), code=ErrorCode.INVALID_PERIOD
        )
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidStatsQuery(
            _("A period covers at most %(days)s days.") % {"days": MAX_DAYS},
            code=ErrorCode.PERIOD_TOO_LONG,
        )
    found = {}
    for name, model, message in (
        ("unit", Unit, _("Unknown unit code.")),
        ("field", Field, _("Unknown field code.")),
        ("procedure", Procedure, _("Unknown procedure code.")),
    ):
        code = (params.get(name) or "").strip()
        if not code:
            found[name] = None
            continue
        found[name] = model.objects.filter(code=code[:60]).first()
        if found[name] is None:
            raise InvalidStatsQuery(message, code=ErrorCode(f"unknown_{name}"))
    return StatsQuery(start=start, end=end, **found)
