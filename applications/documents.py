"""The printable forms of the one-stop desk, rendered to PDF (WeasyPrint) from Django templates.

Circular 03/2025/TT-VPCP, Phụ lục I, has seven forms; dossiers received before 1 July 2025 lived
under Circular 01/2018/TT-VPCP, which had six (no notice of stopping, so its control sheet is
05 and its log 06). Each dossier prints the number and title of its own regime
(`Dossier.regime`). Form titles are legal titles: printed in Vietnamese, never translated.

A form exists only when the dossier's history holds the step it records (a refusal slip only for
a refused dossier, ...). `render_form` takes a dossier the caller has already scoped to the user,
so the desk and, later, the citizen's own download share it.
"""

import base64
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlencode

import qrcode
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from qrcode.image.pil import PilImage

from applications import access, timeliness
from applications.models import Attachment, ClockStop, Dossier, DossierEvent, Regime, State
from applications.workflow import ACTIONS, EventType
from portal.accounts.models import Role
from portal.core import limits
from portal.core.errors import DomainError, NotFound
from portal.core.privacy import mask
from portal.core.time import VN_TZ as VN
from procedures.models import RequiredDocument, Unit
from procedures.workingtime import ProcessingUnit

# Decree 118/2025 took effect on 1 July 2025 (same boundary as services.REGIME_2025_FROM).
REGIME_2025_FROM = date(2025, 7, 1)
# A printed register longer than a year is an export, not a form.
MAX_LOG_DAYS = 366

CIRCULAR = {Regime.R2018: "01/2018/TT-VPCP", Regime.R2025: "03/2025/TT-VPCP"}

# Form numbers and legal titles per regime [LEGAL.md: 2nd source for 2025, recall for 2018].
# Keys are stable slugs used in URLs; the number depends on the regime.
FORMS: dict[str, dict[str, tuple[str, str]]] = {
    Regime.R2025: {
        "receipt": ("01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
        "supplement": ("02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
        "refusal": ("03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
        "apology": ("04", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"),
        "stop": ("05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"),
        "control-sheet": ("06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
        "tracking-log": ("07", "SỔ THEO DÕI HỒ SƠ"),
    },
    Regime.R2018: {
        "receipt": ("01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
        "supplement": ("02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
        "refusal": ("03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
        "apology": ("04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
        "control-sheet": ("05", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
        "tracking-log": ("06", "SỔ THEO DÕI HỒ SƠ"),
    },
}
# The history step each dossier form records, from the `form` of workflow.ACTIONS (the control
# sheet: any received dossier).
FORM_EVENT = {
    **{action.form: action.name for action in ACTIONS.values() if action.form},
    "control-sheet": EventType.RECEIVE,
}
FORM_NAMES = {
    "receipt": gettext_lazy("Receipt and appointment"),
    "supplement": gettext_lazy("Supplement request"),
    "refusal": gettext_lazy("Refusal to receive"),
    "apology": gettext_lazy("Apology and new appointment"),
    "stop": gettext_lazy("Notice of stopping"),
    "control-sheet": gettext_lazy("Processing control sheet"),
}
# The history's wording (form 06: the step's content).
EVENT_LABELS = dict(EventType.choices)
# Steps judged against the appointment in force (form 06: "result of that step").
JUDGED_ACTIONS = {
    "start_review",
    "request_supplement",
    "request_payment",
    "propose",
    "approve",
    "resolve",
    "reject",
}


class FormUnavailable(NotFound):
    code = "form_unavailable"
    default_message = gettext_lazy("This form does not apply to this dossier.")


class BadPeriod(DomainError):
    code = "bad_period"


@dataclass(frozen=True)
class FormInfo:
    slug: str
    number: str
    title: str
    name: str


# --- Which forms exist ------------------------------------------------------------------------


def _events(dossier: Dossier) -> list[DossierEvent]:
    if not hasattr(dossier, "_forms_events"):
        dossier._forms_events = list(dossier.events.select_related("actor").order_by("at", "id"))
    return dossier._forms_events


def _last_event(dossier: Dossier, action: str) -> DossierEvent | None:
    found = [e for e in _events(dossier) if e.action == action]
    return found[-1] if found else None


def available_forms(dossier: Dossier) -> list[FormInfo]:
    """The forms this dossier's history calls for, numbered and titled by its regime."""
    regime_forms = FORMS[dossier.regime]
    actions = {e.action for e in _events(dossier)}
    return [
        FormInfo(slug, *regime_forms[slug], str(FORM_NAMES[slug]))
        for slug, action in FORM_EVENT.items()
        if slug in regime_forms and action in actions
    ]


def form_info(dossier: Dossier, form: str) -> FormInfo:
    """The form by slug, or by its number in the dossier's regime ("05" is the 2018 control
    sheet but the 2025 notice of stopping); FormUnavailable when the history has no such step."""
    by_number = {number: slug for slug, (number, _title) in FORMS[dossier.regime].items()}
    slug = by_number.get(form, form)
    for info in available_forms(dossier):
        if info.slug == slug:
            return info
    if slug in FORM_NAMES:
        raise FormUnavailable(
            _("The form “%(form)s” does not apply to dossier %(code)s in its current history.")
            % {"form": FORM_NAMES[slug], "code": dossier.code}
        )
    raise FormUnavailable(_("Unknown form."))


# --- Helpers ----------------------------------------------------------------------------------


def lookup_url(code: str) -> str:
    """The public look-up page; only the code, never personal data (the page asks the phone)."""
    return f"{settings.SITE_URL}/tra-cuu/?{urlencode({'code': code})}"


def qr_data_uri(text: str) -> str:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2)
    qr.add_data(text)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image(image_factory=PilImage).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _parse(value) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _amount(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def processing_time_text(version) -> str:
    if not version.has_processing_time:
        return version.processing_note or _("no published time: appointment set by the desk")
    amount = _amount(version.processing_amount)
    unit = version.processing_unit
    if unit == ProcessingUnit.SAME_DAY:
        cutoff = version.cutoff or time(15, 0)
        # Decree 23/2015, art. 7: after the cut-off, the next working day.
        return _("the same working day (received after %(cutoff)s: the next working day)") % {
            "cutoff": cutoff.strftime("%H:%M")
        }
    labels = {
        ProcessingUnit.WORKING_DAYS: _("%(amount)s working days"),
        ProcessingUnit.WORKING_HOURS: _("%(amount)s working hours"),
        ProcessingUnit.CALENDAR_DAYS: _("%(amount)s calendar days"),
    }
    return labels.get(unit, "%(amount)s") % {"amount": amount}


def _place(unit: Unit) -> str:
    """Decree 30/2020: the place name of the issuing body, e.g. "Kim Long" for the ward."""
    name = unit.name_vi
    for prefix in ("Phường ", "Xã ", "Đặc khu ", "Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _place_date(unit: Unit, moment: datetime | None) -> str:
    day = timezone.localtime(moment or timezone.now(), VN).date()
    return _("%(place)s, day %(day)s month %(month)s year %(year)s") % {
        "place": _place(unit),
        "day": f"{day.day:02d}",
        "month": f"{day.month:02d}",
        "year": day.year,
    }


def _header(unit: Unit, regime: str) -> dict:
    return {
        "authority": f"ỦY BAN NHÂN DÂN {unit.name_vi.upper()}",
        # Decree 118/2025 renamed the desk the public administration service centre.
        "office": (
            "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"
            if regime == Regime.R2025
            else "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"
        ),
        "office_text": (
            _("The public administration service centre")
            if regime == Regime.R2025
            else _("The reception and result desk")
        ),
    }


def _officer_phone(event: DossierEvent | None) -> str:
    return getattr(event.actor, "phone", "") if event is not None and event.actor else ""


# --- Per-form content -------------------------------------------------------------------------


def _received_documents(dossier: Dossier, event: DossierEvent | None) -> list[dict]:
    """Documents checked at the desk (receive event) and those attached, by required document."""
    checked = set((event.extra or {}).get("checked_documents", [])) if event else set()
    attachments = list(
        dossier.attachments.filter(
            purpose__in=[Attachment.Purpose.APPLICATION, Attachment.Purpose.SCAN]
        )
    )
    files_per_doc: dict[int | None, int] = {}
    for attachment in attachments:
        files_per_doc[attachment.document_id] = files_per_doc.get(attachment.document_id, 0) + 1
    documents = RequiredDocument.objects.filter(version=dossier.procedure_version).order_by(
        "position"
    )
    rows = [
        {
            "name": doc.name,
            "kind": doc.get_kind_display(),
            "count": doc.count,
            "files": files_per_doc.get(doc.pk, 0),
        }
        for doc in documents
        if doc.pk in checked or doc.pk in files_per_doc
    ]
    loose = files_per_doc.get(None, 0)
    if loose:
        rows.append({"name": _("Other scanned documents"), "kind": "", "count": "", "files": loose})
    return rows


def _return_where(dossier: Dossier) -> str:
    unit = dossier.receiving_unit
    where = _("at the one-stop desk of %(unit)s") % {"unit": unit.name}
    if unit.address:
        where += f" ({unit.address})"
    if dossier.channel == "online":
        return _("electronically on the portal, or %(where)s") % {"where": where}
    if dossier.channel == "post":
        return _("by post to the applicant's address, or %(where)s") % {"where": where}
    return where


def _receipt(dossier: Dossier) -> dict:
    event = _last_event(dossier, "receive")
    url = lookup_url(dossier.code)
    sequence = dossier.code.rsplit("-", 1)[-1] if dossier.code.count("-") >= 2 else ""
    return {
        "event": event,
        "issued_at": event.at if event else dossier.received_at,
        "documents": _received_documents(dossier, event),
        "processing_time": processing_time_text(dossier.procedure_version),
        "return_where": _return_where(dossier),
        "lookup_url": url,
        "qr": qr_data_uri(url),
        "log_number": sequence.lstrip("0") or sequence,
        "receiver": event.actor_label if event else "",
    }


def _supplement(dossier: Dossier) -> dict:
    event = _last_event(dossier, "request_supplement")
    stop = dossier.clock_stops.filter(kind=ClockStop.Kind.SUPPLEMENT).order_by("started_at").last()
    return {
        "event": event,
        "issued_at": event.at,
        "reason": event.note or (stop.reason if stop else ""),
        "officer": event.actor_label,
        "officer_phone": _officer_phone(event),
        "answer_by": stop.deadline if stop else None,
        "request_number": (event.extra or {}).get("request_number", 1),
    }


def _refusal(dossier: Dossier) -> dict:
    event = _last_event(dossier, "refuse")
    return {
        "event": event,
        "issued_at": event.at,
        "reason": event.note or dossier.reason,
        "officer": event.actor_label,
    }


def _apology(dossier: Dossier) -> dict:
    event = _last_event(dossier, "apologize")
    extra = event.extra or {}
    return {
        "event": event,
        "issued_at": event.at,
        "reason": event.note,
        "original_due": _parse(extra.get("due_at")) or dossier.due_at,
        "new_due": _parse(extra.get("new_due_at")) or dossier.apology_due_at,
        "officer": event.actor_label,
    }


def _stop(dossier: Dossier) -> dict:
    event = _last_event(dossier, "stop")
    return {
        "event": event,
        "issued_at": event.at,
        "reason": event.note or dossier.reason,
        "officer": event.actor_label,
    }


def _state_label(value: str) -> str:
    return str(State(value).label) if value in State.values else ""


def control_sheet_rows(dossier: Dossier) -> list[dict]:
    """One row per history step. A processing step is judged against the appointment in force
    when it happened (the receipt's, moved by clock stops): early / on time / late, by the same
    rule as the dossier's own timeliness (applications/timeliness.py)."""
    rows = []
    due = None
    for event in _events(dossier):
        extra = event.extra or {}
        result = ""
        if event.action in JUDGED_ACTIONS and due is not None:
            word = timeliness.timeliness(
                state=State.RESOLVED,
                due_at=due,
                resolved_at=event.at,
                clock_stopped_at=None,
                now=event.at,
            )
            result = str(timeliness.LABELS[word])
        if event.action in ("receive", "supplement", "confirm_payment") and extra.get("due_at"):
            due = _parse(extra["due_at"]) or due
        rows.append(
            {
                "at": event.at,
                "action": str(EVENT_LABELS.get(event.action, event.action)),
                "from": _state_label(event.from_state),
                "to": _state_label(event.to_state),
                "actor": event.actor_label,
                "note": event.note,
                "result": result,
            }
        )
    return rows


def _control_sheet(dossier: Dossier) -> dict:
    return {"rows": control_sheet_rows(dossier), "issued_at": timezone.now()}


BUILDERS = {
    "receipt": _receipt,
    "supplement": _supplement,
    "refusal": _refusal,
    "apology": _apology,
    "stop": _stop,
    "control-sheet": _control_sheet,
}


# --- Rendering --------------------------------------------------------------------------------


def _stylesheet_path() -> str:
    path = finders.find("css/forms.css")
    if path is None:  # collected static only (production without finders)
        path = str(settings.STATIC_ROOT / "css" / "forms.css")
    return path


def html_to_pdf(html: str) -> bytes:
    """No network: the stylesheet is read from the filesystem, images are data: URIs, and the
    fetcher refuses every other scheme."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(filename=_stylesheet_path())]
    )


def form_html(*, dossier: Dossier, form: str) -> str:
    info = form_info(dossier, form)
    context = {
        "dossier": dossier,
        "form": info,
        "circular": CIRCULAR[dossier.regime],
        "header": _header(dossier.receiving_unit, dossier.regime),
        "unit": dossier.receiving_unit,
        **BUILDERS[info.slug](dossier),
    }
    context["place_date"] = _place_date(dossier.receiving_unit, context.get("issued_at"))
    return render_to_string(f"forms/{info.slug}.html", context)


def render_form(*, dossier: Dossier, form: str) -> tuple[FormInfo, bytes]:
    """The form as PDF bytes. The caller has scoped `dossier` to its user (selectors)."""
    info = form_info(dossier, form)
    return info, html_to_pdf(form_html(dossier=dossier, form=info.slug))


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
    if user.is_superuser:
        return unit
    roles = access._roles(user)
    if any(role == Role.OFFICIAL for _unit, role in roles) or any(
        unit_id == unit.pk for unit_id, _role in roles
    ):
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


def tracking_log_html(*, unit: Unit, first: date, last: date) -> str:
    regime = Regime.R2025 if last >= REGIME_2025_FROM else Regime.R2018
    number, title = FORMS[regime]["tracking-log"]
    rows = [
        {
            "no": index,
            "dossier": dossier,
            "procedure": dossier.procedure_version.name,
            # A printed list: the phone is masked like every list (STYLE rules); the full number
            # is on the dossier for staff who need to call.
            "phone": mask(dossier.applicant_phone),
            "state": _state_label(dossier.state),
        }
        for index, dossier in enumerate(log_dossiers(unit=unit, first=first, last=last), 1)
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
