"""The desk's dossier page: documents, history, and the actions the user may take now.

Read as issue 10 says: narrow queries for the dossier, the labels it shows, the version's
documents, the attachments and the history (`selectors.detail`), the same queries however long
the history; the labels translated once per language and process, the dates formatted here
rather than by a filter per row, the transfer's forty wards written in one go.
"""

from functools import lru_cache
from html import escape

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import dateformat, formats, timezone, translation
from django.utils.safestring import mark_safe

from applications import access, timeliness, workflow
from applications.models import Attachment, Channel, ReturnMethod, State
from applications.selectors import detail, handover
from applications.services import transfer
from applications.views.desk import KEPT_SESSION_KEY, _staff_or_403
from portal.core.pages import page
from procedures import labels as catalogue_labels
from procedures.models import RequiredDocument, Unit

HANDED_IN = (Attachment.Purpose.APPLICATION, Attachment.Purpose.SCAN)


@lru_cache(maxsize=8)
def words(language: str | None) -> dict[str, dict[str, str]]:
    """The choices' labels in `language` (the active one when called): public words, the same
    for everyone, translated once per process."""
    return {
        kind: {str(value): str(label) for value, label in choices}
        for kind, choices in (
            ("state", State.choices),
            ("event", workflow.EventType.choices),
            ("channel", Channel.choices),
            ("kind", RequiredDocument.Kind.choices),
            ("purpose", Attachment.Purpose.choices),
            ("timeliness", timeliness.LABELS.items()),
        )
    }


def _name(row: dict, prefix: str, english: bool) -> str:
    """A unit's or version's name as its model's `name` gives it."""
    return (english and row[f"{prefix}_name_en"]) or row[f"{prefix}_name_vi"] or ""


@login_required
@page()
def dossier_page(request, code):
    _staff_or_403(request.user)
    row = detail.dossier_detail(user=request.user, code=code)
    now = timezone.now()
    language = translation.get_language()
    english = (language or "vi").startswith("en")
    said = words(language)
    zone = timezone.get_current_timezone()
    moment_format = formats.get_format("SHORT_DATETIME_FORMAT")

    events, attachments = detail.history_and_attachments(row["id"])
    download = reverse("citizen:attachment", args=[987654321])
    by_document: dict[int | None, list[dict]] = {}
    for attachment in attachments:
        attachment["href"] = download.replace("987654321", str(attachment["id"]))
        attachment["purpose_label"] = said["purpose"].get(
            attachment["purpose"], attachment["purpose"]
        )
        by_document.setdefault(attachment["document_id"], []).append(attachment)
    # What the clerk ticked as handed in at reception (the receive step's record), if received.
    received = next((e for e in events if e["action"] == workflow.EventType.RECEIVE), None)
    ticked = set((received["extra"] or {}).get("checked_documents", [])) if received else None
    documents = []
    for document in detail.documents(row["procedure_version_id"]):
        files = by_document.get(document["id"], [])
        for file in files:
            file["size_label"] = filesizeformat(file["size"])
        document["name"] = (english and document["name_en"]) or document["name_vi"]
        document["kind_label"] = said["kind"].get(document["kind"], document["kind"])
        document["pk"] = document["id"]
        documents.append((document, files, _handed_in(document["id"], ticked, by_document)))

    word = timeliness.timeliness(
        state=row["state"],
        due_at=row["due_at"],
        resolved_at=row["resolved_at"],
        clock_stopped_at=row["clock_stopped_at"],
        now=now,
    )
    kept = request.session.pop(KEPT_SESSION_KEY, None)
    actions = access.available_actions_of_rows(request.user, [row])[0]
    dossier = {
        **row,
        "state_label": said["state"].get(row["state"], row["state"]),
        "channel_label": said["channel"].get(row["channel"], row["channel"]),
        "procedure_name": _name(row, "version", english),
        "receiving_name": _name(row, "receiving", english),
        "handling_name": _name(row, "handling", english),
        "legacy_name": _name(row, "legacy", english),
        "assignee_name": (
            f"{row['assignee_last_name']} {row['assignee_first_name']}".strip()
            or row["assignee_username"]
            if row["assignee_id"] is not None
            else ""
        ),
        "has_processing_time": bool(row["version_processing_unit"])
        and row["version_processing_amount"] is not None,
    }
    return render(
        request,
        "desk/dossier.html",
        {
            "kept": kept if kept and kept.get("code") == row["code"] else None,
            "dossier": dossier,
            "timeliness": word,
            "timeliness_label": said["timeliness"].get(word, "") if word else "",
            "documents": documents,
            "other_attachments": by_document.get(None, []),
            "events": [
                (
                    event,
                    dateformat.format(event["at"].astimezone(zone), moment_format),
                    said["event"].get(event["action"], event["action"]),
                    said["state"].get(event["to_state"], ""),
                )
                for event in events
            ],
            "actions": [workflow.ACTIONS[name] for name in actions],
            "candidates": handover.handover_candidates(unit=Unit(pk=row["handling_unit_id"]))
            if "start_review" in actions
            else [],
            "return_methods": ReturnMethod.choices,
            "transfer_options": _transfer_options(row) if "transfer" in actions else "",
            "max_upload": settings.MOTCUA_MAX_UPLOAD_BYTES,
        },
    )


def _transfer_options(row: dict) -> str:
    """The transfer's choice of units as `<option>`s, built here in one go (a province's forty
    wards made half the page's template nodes)."""
    # The catalogue's units only: kept with the worker's snapshot, renewed with it.
    units = catalogue_labels.kept(
        ("transfer destinations", row["handling_unit_id"], row["handling_parent_id"]),
        lambda: transfer.destinations(
            handling_unit_id=row["handling_unit_id"], province_id=row["handling_parent_id"]
        ),
    )
    # What format_html_join writes (Django's escape is html.escape), at a tenth of its cost.
    return mark_safe(  # noqa: S308
        "".join(f'<option value="{escape(code)}">{escape(name)}</option>' for code, name in units)
    )


def _handed_in(document_id, ticked, by_document) -> str:
    """How a document came in at reception, as reception counts it (ticked, or attached by the
    applicant or the clerk); "" before the dossier is received."""
    if ticked is None:
        return ""
    if document_id in ticked:
        return "ticked"
    if any(a["purpose"] in HANDED_IN for a in by_document.get(document_id, [])):
        return "attached"
    return "missing"
