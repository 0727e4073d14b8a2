"""Every write on a dossier: one transaction each, the row locked, a history row per step.

Views, the API, importers and Celery tasks all call these functions. Two clerks acting on one
dossier: the second waits for the lock, then finds the state or version changed and gets a
clear conflict instead of a double action.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.files.base import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import access, deadlines
from applications.errors import (
    InvalidDossier,
)
from applications.models import (
    Attachment,
    ClockStop,
    Dossier,
    ReturnMethod,
)
from applications.services import notices
from applications.services.base import (
    _act,
    _close_open_stops,
    _lock,
    _record,
    _requested_documents,
    _require,
    _restart_clock,
    _save,
    _stop_clock,
    _transition,
)
from applications.services.reception import _attach, _discard_attachments, _do_receive
from applications.services.signoff import store_result
from applications.workflow import EventType
from portal.accounts.models import User
from portal.core import uploads
from portal.core.errors import PermissionDenied
from procedures.services import working_calendar

# --- Actions ---------------------------------------------------------------------------------


@transaction.atomic
def dossier_receive(
    *,
    dossier: Dossier,
    actor: User,
    note: str = "",
    due_at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Form 01: the desk accepts an online dossier; the clock starts at the next working time."""
    dossier = _lock(dossier, expected_version)
    if not access.may(actor, "receive", dossier):
        raise PermissionDenied(_("You may not do this on this dossier."))
    _do_receive(dossier, actor, now=timezone.now(), due_at=due_at, note=note)
    return dossier


@transaction.atomic
def dossier_refuse(
    *, dossier: Dossier, actor: User, reason: str, expected_version: int | None = None
) -> Dossier:
    """Form 03: refused at reception, with the specific reason."""
    reason = _require(reason, _("Give the reason for the refusal."))
    dossier = _act(
        dossier,
        "refuse",
        actor,
        expected_version,
        note=reason,
        extra=_refused_files(dossier),
        reason=reason,
        closed_at=timezone.now(),
    )
    _discard_attachments(dossier)
    return dossier


def _refused_files(dossier: Dossier) -> dict[str, Any]:
    names = list(dossier.attachments.values("document_id", "original_name", "size", "sha256"))
    return {"discarded_files": names} if names else {}


@transaction.atomic
def dossier_start_review(
    *,
    dossier: Dossier,
    actor: User,
    assignee: User | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Dossier:
    """Hand the dossier to a specialist of the handling unit (by default the one who acts)."""
    dossier = _lock(dossier, expected_version)
    assignee = assignee or actor
    if not access.may_be_assigned(assignee, dossier):
        raise InvalidDossier(_("The assignee must be a specialist or leader of the handling unit."))
    before = _transition(dossier, "start_review", actor)
    dossier.assignee = assignee
    _save(dossier, actor, ["assignee"])
    _record(
        dossier,
        action=EventType.START_REVIEW,
        from_state=before,
        actor=actor,
        note=note,
        extra={"assignee": assignee.username},
    )
    return dossier


@transaction.atomic
def dossier_request_supplement(
    *,
    dossier: Dossier,
    actor: User,
    reason: str,
    documents: list[int] | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Form 02: what to supply or correct (the procedure's documents, with counts), and why; the
    clock stops until the citizen answers, by the deadline the system keeps (LEGAL.md, form 02)."""
    reason = _require(reason, _("Say which documents to supply or correct, and why."))
    dossier = _lock(dossier, expected_version)
    requested = _requested_documents(dossier, documents)
    before = _transition(dossier, "request_supplement", actor)
    now = timezone.now()
    answer_by = deadlines.supplement_limit(
        started_at=now, deadline=None, calendar=working_calendar(dossier.handling_unit)
    )
    _stop_clock(dossier, ClockStop.Kind.SUPPLEMENT, reason, now, deadline=answer_by)
    dossier.supplement_requests += 1
    _save(dossier, actor, ["clock_stopped_at", "supplement_requests"])
    # Circular 03/2025: guided once, in full; a second request counts against the office.
    _record(
        dossier,
        action=EventType.REQUEST_SUPPLEMENT,
        from_state=before,
        actor=actor,
        note=reason,
        extra={
            "request_number": dossier.supplement_requests,
            "documents": requested,
            "answer_by": answer_by.isoformat(),
        },
    )
    notices.notify_supplement_requested(dossier, reason=reason, officer=actor)
    return dossier


@uploads.discarding_orphans
@transaction.atomic
def dossier_supplement(
    *,
    dossier: Dossier,
    actor: User,
    files: dict[int, UploadedFile[Any]] | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Dossier:
    """The citizen (or the desk for them) supplied the documents; the clock runs again."""
    dossier = _lock(dossier, expected_version)
    if not access.may(actor, "supplement", dossier):
        raise PermissionDenied(_("You may not do this on this dossier."))
    if not files and not note.strip():
        raise InvalidDossier(_("Attach the documents asked for, or describe what was handed in."))
    before = _transition(dossier, "supplement", actor, check_role=False)
    now = timezone.now()
    _attach(
        dossier,
        files or {},
        dossier.procedure_version.documents.all(),
        Attachment.Purpose.SUPPLEMENT,
        actor,
    )
    extra = _restart_clock(dossier, now)
    _save(dossier, actor, ["due_at", "clock_stopped_at"])
    _record(
        dossier, action=EventType.SUPPLEMENT, from_state=before, actor=actor, note=note, extra=extra
    )
    return dossier


@transaction.atomic
def dossier_request_payment(
    *,
    dossier: Dossier,
    actor: User,
    amount: Decimal | int | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Dossier:
    dossier = _lock(dossier, expected_version)
    before = _transition(dossier, "request_payment", actor)
    if amount is not None:
        if int(amount) <= 0:
            raise InvalidDossier(_("The amount must be positive."))
        dossier.fee_vnd = int(amount)
    if not dossier.fee_vnd:
        raise InvalidDossier(_("Give the amount to pay."))
    _stop_clock(dossier, ClockStop.Kind.PAYMENT, note or _("Fee"), timezone.now())
    _save(dossier, actor, ["fee_vnd", "clock_stopped_at"])
    _record(
        dossier,
        action=EventType.REQUEST_PAYMENT,
        from_state=before,
        actor=actor,
        note=note,
        extra={"amount": dossier.fee_vnd},
    )
    return dossier


@transaction.atomic
def dossier_confirm_payment(
    *, dossier: Dossier, actor: User | None, note: str = "", expected_version: int | None = None
) -> Dossier:
    dossier = _lock(dossier, expected_version)
    before = _transition(dossier, "confirm_payment", actor)
    extra = _restart_clock(dossier, timezone.now())
    _save(dossier, actor, ["due_at", "clock_stopped_at"])
    _record(
        dossier,
        action=EventType.CONFIRM_PAYMENT,
        from_state=before,
        actor=actor,
        note=note,
        extra=extra,
    )
    return dossier


@uploads.discarding_orphans
@transaction.atomic
def dossier_resolve(
    *,
    dossier: Dossier,
    actor: User,
    result_number: str = "",
    result_file: File[Any] | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Dossier:
    dossier = _lock(dossier, expected_version)
    before = _transition(dossier, "resolve", actor)
    fields = store_result(dossier, actor, result_number=result_number, result_file=result_file)
    _save(dossier, actor, fields)
    _record(
        dossier,
        action=EventType.RESOLVE,
        from_state=before,
        actor=actor,
        note=note,
        extra={"result_number": dossier.result_number},
    )
    notices.notify_result_ready(dossier)
    return dossier


@transaction.atomic
def dossier_reject(
    *, dossier: Dossier, actor: User, reason: str, expected_version: int | None = None
) -> Dossier:
    reason = _require(reason, _("Give the written reason for the rejection."))
    return _act(
        dossier,
        "reject",
        actor,
        expected_version,
        note=reason,
        reason=reason,
        resolved_at=timezone.now(),
    )


@transaction.atomic
def dossier_stop(
    *, dossier: Dossier, actor: User, reason: str, expected_version: int | None = None
) -> Dossier:
    """Form 05 of Circular 03/2025: processing stops by notice, with the reason."""
    reason = _require(reason, _("Give the reason for stopping."))
    now = timezone.now()
    dossier = _act(
        dossier,
        "stop",
        actor,
        expected_version,
        note=reason,
        reason=reason,
        closed_at=now,
        clock_stopped_at=None,
    )
    _close_open_stops(dossier, now)
    return dossier


@transaction.atomic
def dossier_return_result(
    *,
    dossier: Dossier,
    actor: User,
    method: str = ReturnMethod.DESK,
    note: str = "",
    expected_version: int | None = None,
) -> Dossier:
    if method not in ReturnMethod.values:
        raise InvalidDossier(_("Return at the desk, electronically or by post."))
    now = timezone.now()
    return _act(
        dossier,
        "return_result",
        actor,
        expected_version,
        note=note,
        extra={"method": method},
        returned_at=now,
        closed_at=now,
        return_method=method,
    )


@transaction.atomic
def dossier_withdraw(
    *, dossier: Dossier, actor: User, reason: str, expected_version: int | None = None
) -> Dossier:
    """The applicant's request to withdraw, with its reason (kept in the history); final."""
    reason = _require(reason, _("Say why the dossier is withdrawn."))
    now = timezone.now()
    dossier = _act(
        dossier,
        "withdraw",
        actor,
        expected_version,
        note=reason,
        reason=reason,
        closed_at=now,
        clock_stopped_at=None,
    )
    _close_open_stops(dossier, now)
    return dossier


@transaction.atomic
def dossier_apologize(
    *,
    dossier: Dossier,
    actor: User,
    reason: str,
    new_due_at: datetime,
    expected_version: int | None = None,
) -> Dossier:
    """Form 04: before the due moment, the new date set once; the dossier still counts late."""
    reason = _require(reason, _("Give the reason for the delay."))
    dossier = _lock(dossier, expected_version)
    _transition(dossier, "apologize", actor)
    now = timezone.now()
    deadlines.check_apology(
        due_at=dossier.due_at,
        apology_due_at=dossier.apology_due_at,
        new_due_at=new_due_at,
        now=now,
        state=dossier.state,
    )
    due_at = dossier.due_at
    assert due_at is not None  # check_apology refuses a dossier without a due moment
    dossier.apology_due_at = new_due_at
    _save(dossier, actor, ["apology_due_at"])
    _record(
        dossier,
        action=EventType.APOLOGIZE,
        from_state=dossier.state,
        actor=actor,
        note=reason,
        extra={"due_at": due_at.isoformat(), "new_due_at": new_due_at.isoformat()},
    )
    notices.notify_apology_issued(dossier, reason=reason)
    return dossier
