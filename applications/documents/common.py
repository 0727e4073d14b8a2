"""What every printed form shares: the forms of each regime and which a dossier has, the header,
places, dates and amounts as the forms write them, and the QR code to the public lookup."""

import base64
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from urllib.parse import urlencode

import qrcode
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from qrcode.image.pil import PilImage

from applications.models import Dossier, DossierEvent, Regime
from applications.workflow import ACTIONS, EventType
from portal.core.errors import DomainError, ErrorCode, NotFound
from portal.core.site import absolute
from portal.core.time import VN_TZ as VN
from procedures.models import Unit
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
    code = ErrorCode.FORM_UNAVAILABLE
    default_message = gettext_lazy("This form does not apply to this dossier.")


class BadPeriod(DomainError):
    code = ErrorCode.BAD_PERIOD


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
    if EventType.IMPORT_BACKLOG in actions and dossier.received_at and dossier.state != "refused":
        # Taken over from a former unit: it was received there, so it has a receipt (the former
        # unit's appointment) and a control sheet like any received dossier (issue 11).
        actions.add(EventType.RECEIVE)
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
    return absolute(f"/tra-cuu/?{urlencode({'code': code})}")


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


def moment_text(value: datetime | None) -> str:
    """A moment as the forms and pages print it: "HH:MM, dd/mm/yyyy" in Vietnam's time."""
    if not value:
        return ""
    return timezone.localtime(value, VN).strftime("%H:%M, %d/%m/%Y")


def appointment_of(dossier: Dossier) -> datetime | None:
    """The appointment given at reception (form 01), as stored then; never recomputed."""
    return dossier.appointment_at


def later_stops(dossier: Dossier) -> list[dict]:
    """What moved the due moment after the receipt, each stop as what it was: its kind, when
    the clock stood still and ran again, and the due moment after it (issue 11, item 5)."""
    return [
        {
            "kind": stop.get_kind_display(),
            "started_at": stop.started_at,
            "ended_at": stop.ended_at,
            "due_after": stop.due_after,
        }
        for stop in dossier.clock_stops.order_by("started_at", "id")
    ]


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
