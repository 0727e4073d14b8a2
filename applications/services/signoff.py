"""The leader's sign-off of a result (issue 11, item 3; DESIGN.md "API"): a specialist
`propose`s the result (`in_review` -> `awaiting_approval`), a leader `approve`s it (-> `resolved`,
with the same effects as `resolve`: the result, its document, the notices) or `send_back`s it
with the reason (-> `in_review`). The clock runs while the proposal waits.

In a ward the Chairman or a Vice-Chairman signs the result; a specialist issues it alone only
where the unit delegated that procedure's signature (`applications/models/delegations.py`,
checked by `applications.access.may` for `resolve`).
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Attachment, Dossier
from applications.services import notices
from applications.services.base import _lock, _record, _require, _save, _transition
from applications.workflow import EventType
from portal.accounts.models import User
from portal.core import uploads
from portal.core.uploads import check_upload


def _proposed_number(dossier: Dossier) -> str:
    """The result number the last proposal gave, if any."""
    event = dossier.events.filter(action=EventType.PROPOSE).order_by("-at", "-id").first()
    return (event.extra or {}).get("result_number", "") if event else ""


def store_result(
    dossier: Dossier, actor: User, *, result_number: str, result_file: File[Any] | None
) -> list[str]:
    """The result's number and document on the dossier (one stored file); the fields set."""
    dossier.resolved_at = timezone.now()
    dossier.result_number = (result_number or "").strip()[:60]
    fields = ["resolved_at", "result_number"]
    if result_file is not None:
        mime, digest = check_upload(result_file)
        attachment = Attachment(
            dossier=dossier,
            purpose=Attachment.Purpose.RESULT,
            file=result_file,
            original_name=(result_file.name or "result")[:255],
            content_type=mime,
            size=result_file.size,
            sha256=digest,
            uploaded_by=actor,
        )
        uploads.save_tracked(attachment, force_insert=True)
        dossier.result_document = attachment.file.name
        fields.append("result_document")
    return fields


@transaction.atomic
def dossier_propose(
    *,
    dossier: Dossier,
    actor: User,
    result_number: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> Dossier:
    """The specialist proposes the result for a leader's signature."""
    dossier = _lock(dossier, expected_version)
    before = _transition(dossier, "propose", actor)
    _save(dossier, actor, [])
    number = (result_number or "").strip()[:60]
    _record(
        dossier,
        action=EventType.PROPOSE,
        from_state=before,
        actor=actor,
        note=note,
        extra={"result_number": number} if number else None,
    )
    return dossier


@uploads.discarding_orphans
@transaction.atomic
def dossier_approve(
    *,
    dossier: Dossier,
    actor: User,
    result_number: str = "",
    result_file: File[Any] | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Dossier:
    """The leader signs: the result is issued as by `resolve` (the proposal's number unless the
    leader gives another)."""
    dossier = _lock(dossier, expected_version)
    before = _transition(dossier, "approve", actor)
    number = (result_number or "").strip() or _proposed_number(dossier)
    fields = store_result(dossier, actor, result_number=number, result_file=result_file)
    _save(dossier, actor, fields)
    _record(
        dossier,
        action=EventType.APPROVE,
        from_state=before,
        actor=actor,
        note=note,
        extra={"result_number": dossier.result_number},
    )
    notices.notify_result_ready(dossier)
    return dossier


@transaction.atomic
def dossier_send_back(
    *, dossier: Dossier, actor: User, reason: str, expected_version: int | None = None
) -> Dossier:
    """The leader does not sign: back to the specialist, with what to change."""
    reason = _require(reason, _("Give the reason for sending it back."))
    dossier = _lock(dossier, expected_version)
    before = _transition(dossier, "send_back", actor)
    _save(dossier, actor, [])
    _record(dossier, action=EventType.SEND_BACK, from_state=before, actor=actor, note=reason)
    return dossier
