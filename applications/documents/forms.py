"""The printable forms of the one-stop desk, rendered to PDF (WeasyPrint) from Django templates.

Circular 03/2025/TT-VPCP, Phụ lục I, has seven forms; dossiers received before 1 July 2025 lived
under Circular 01/2018/TT-VPCP, which had six (no notice of stopping, so its control sheet is
05 and its log 06). Each dossier prints the number and title of its own regime
(`Dossier.regime`). Form titles are legal titles: printed in Vietnamese, never translated.

A form exists only when the dossier's history holds the step it records (a refusal slip only for
a refused dossier, ...). `render_form` takes a dossier the caller has already scoped to the user,
so the desk and, later, the citizen's own download share it.
"""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from applications.documents.common import (
    CIRCULAR,
    FormInfo,
    _header,
    _last_event,
    _officer_phone,
    _parse,
    _place_date,
    appointment_of,
    form_info,
    later_stops,
    lookup_url,
    processing_time_text,
    qr_data_uri,
)
from applications.documents.control_sheet import control_sheet
from applications.models import Attachment, ClockStop, Dossier, DossierEvent
from procedures.models import RequiredDocument

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


def _imported(dossier: Dossier) -> dict | None:
    """A dossier taken over from a former unit: who received it there and under which code."""
    if not dossier.is_transferred or dossier.legacy_unit_id is None:
        return None
    return {"unit": dossier.legacy_unit.name_vi, "code": dossier.legacy_code}


def _receipt(dossier: Dossier) -> dict:
    event = _last_event(dossier, "receive") or _last_event(dossier, "import_backlog")
    imported = _imported(dossier)
    url = lookup_url(dossier.code)
    sequence = dossier.code.rsplit("-", 1)[-1] if dossier.code.count("-") >= 2 else ""
    return {
        "event": event,
        "issued_at": dossier.received_at if imported else (event.at if event else None),
        "imported": imported,
        "documents": [] if imported else _received_documents(dossier, event),
        "processing_time": processing_time_text(dossier.procedure_version),
        # Form 01: the appointment given at reception, as given; what moved it since is listed
        # as what it was (issue 11, item 5).
        "appointment": appointment_of(dossier),
        "stops": later_stops(dossier),
        "return_where": _return_where(dossier),
        "lookup_url": url,
        "qr": qr_data_uri(url),
        "log_number": sequence.lstrip("0") or sequence,
        "receiver": "" if imported or event is None else event.actor_label,
    }


def requested_documents(event: DossierEvent | None) -> list[dict]:
    """Form 02's list as the request recorded it: each document with its form of copy (as a
    label) and count. The form and the citizen's dossier page both show it."""
    kinds = dict(RequiredDocument.Kind.choices)
    documents = (event.extra or {}).get("documents", []) if event is not None else []
    return [{**doc, "kind": kinds.get(doc.get("kind"), "")} for doc in documents]


def _supplement(dossier: Dossier) -> dict:
    event = _last_event(dossier, "request_supplement")
    extra = event.extra or {}
    stop = dossier.clock_stops.filter(kind=ClockStop.Kind.SUPPLEMENT).order_by("started_at").last()
    return {
        "event": event,
        "issued_at": event.at,
        "reason": event.note or (stop.reason if stop else ""),
        "documents": requested_documents(event),
        "officer": event.actor_label,
        "officer_phone": _officer_phone(event),
        # The deadline the system keeps (LEGAL.md, form 02): recorded with the request.
        "answer_by": _parse(extra.get("answer_by")) or (stop.deadline if stop else None),
        "request_number": extra.get("request_number", 1),
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


BUILDERS = {
    "receipt": _receipt,
    "supplement": _supplement,
    "refusal": _refusal,
    "apology": _apology,
    "stop": _stop,
    "control-sheet": control_sheet,
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
