"""The unit's tracking log (form 07 of 2025, 06 of 2018): the dossiers its desk received in a
period, printed for its own staff and provincial officials."""

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import access
from applications.documents.common import (
    CIRCULAR,
    FORMS,
    MAX_LOG_DAYS,
    REGIME_2025_FROM,
    BadPeriod,
    FormInfo,
    _header,
    _place_date,
)
from applications.documents.control_sheet import _state_label
from applications.documents.forms import html_to_pdf
from applications.models import Dossier, DossierEvent, Regime
from portal.core import limits
from portal.core.errors import NotFound
from portal.core.privacy import mask
from portal.core.time import VN_TZ as VN
from procedures.models import Unit

# --- The unit's tracking log (form 07 of 2025, 06 of 2018) ------------------------------------


def _parse_day(value: str | None, default: date) -> date:
    if not value:
        return default
    value = value.strip()
    try:
        if "/" in value:
            day, month, year = (int(part) for part in value.split("/"))
            parsed = date(year, month, day)
        else:
            parsed = date.fromisoformat(value)
    except ValueError:
        raise BadPeriod(_("Give dates as dd/mm/yyyy or yyyy-mm-dd.")) from None
    if not limits.date_in_range(parsed):
        raise BadPeriod(
            _("Give dates between %(earliest)s and %(latest)s.")
            % {"earliest": f"{limits.EARLIEST:%d/%m/%Y}", "latest": f"{limits.LATEST:%d/%m/%Y}"}
        )
    return parsed


def log_period(start: str | None, end: str | None) -> tuple[date, date]:
    """The period asked for; by default the current month up to today."""
    today = timezone.localdate(timezone.now(), VN)
    first = _parse_day(start, today.replace(day=1))
    last = _parse_day(end, today)
    if last < first:
        raise BadPeriod(_("The end of the period is before its start."))
    if (last - first).days >= MAX_LOG_DAYS:
        raise BadPeriod(_("Print at most a year of the log at a time."))
    return first, last


def log_unit(*, user, unit_code: str) -> Unit:
    """The unit whose log the user may print: its own staff, provincial officials, superusers.
    Anyone else gets 404, as for a unit that does not exist."""
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None or not user.is_authenticated:
        raise NotFound()
    if access.may_print_log(user, unit):
        return unit
    raise NotFound()


def log_dossiers(*, unit: Unit, first: date, last: date) -> QuerySet[Dossier]:
    """Dossiers the unit's desk received in the period (receipt moment, Vietnam's time)."""
    start = datetime.combine(first, time.min, tzinfo=VN)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=VN)
    return (
        Dossier.objects.filter(receiving_unit=unit, received_at__gte=start, received_at__lt=end)
        .select_related("procedure_version")
        .order_by("received_at", "id")
    )


def _receiving_officers(dossiers: list[Dossier]) -> dict[int, str]:
    """The officer who received each dossier (its receipt's actor), in one query."""
    officers: dict[int, str] = {}
    for dossier_id, label in (
        DossierEvent.objects.filter(dossier__in=dossiers, action="receive")
        .order_by("at", "id")
        .values_list("dossier_id", "actor_label")
    ):
        officers.setdefault(dossier_id, label)
    return officers


def tracking_log_html(*, unit: Unit, first: date, last: date) -> str:
    dossiers = list(log_dossiers(unit=unit, first=first, last=last).select_related("legacy_unit"))
    regimes = {d.regime for d in dossiers}
    # The log's own number and title: its rows' regime; a period across 1 July 2025 prints the
    # 2025 log, and each row states the circular it was received under (issue 11, item 5).
    if len(regimes) == 1:
        regime = regimes.pop()
    else:
        regime = Regime.R2025 if last >= REGIME_2025_FROM else Regime.R2018
    number, title = FORMS[regime]["tracking-log"]
    officers = _receiving_officers(dossiers)
    rows = [
        {
            "no": index,
            "dossier": dossier,
            "procedure": dossier.procedure_version.name,
            # A printed list: the phone is masked like every list (STYLE rules); the full number
            # is on the dossier for staff who need to call.
            "phone": mask(dossier.applicant_phone),
            "state": _state_label(dossier.state),
            "regime": CIRCULAR[dossier.regime],
            "officer": officers.get(dossier.pk, ""),
            "imported": (
                f"{dossier.legacy_unit.name_vi}, {dossier.legacy_code}"
                if dossier.is_transferred and dossier.legacy_unit_id
                else ""
            ),
        }
        for index, dossier in enumerate(dossiers, 1)
    ]
    return render_to_string(
        "forms/tracking-log.html",
        {
            "form": FormInfo("tracking-log", number, title, _("Tracking log")),
            "circular": CIRCULAR[regime],
            "header": _header(unit, regime),
            "unit": unit,
            "first": first,
            "last": last,
            "rows": rows,
            "place_date": _place_date(unit, None),
        },
    )


def render_tracking_log(*, unit: Unit, first: date, last: date) -> bytes:
    return html_to_pdf(tracking_log_html(unit=unit, first=first, last=last))
