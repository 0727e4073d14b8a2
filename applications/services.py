"""Every write on a dossier: one transaction each, the row locked, a history row per step.

Views, the API, importers and Celery tasks all call these functions. Two clerks acting on one
dossier: the second waits for the lock, then finds the state or version changed and gets a
clear conflict instead of a double action.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from applications import access, deadlines, notices
from applications.errors import (
    DuplicateSubmission,
    InvalidDossier,
    InvalidTransition,
    MissingDocuments,
    StaleDossier,
)
from applications.models import (
    Attachment,
    Channel,
    ClockStop,
    CodeCounter,
    Dossier,
    DossierEvent,
    Regime,
    ReturnMethod,
    State,
)
from applications.workflow import EventType
from portal.core import uploads
from portal.core.errors import PermissionDenied
from portal.core.locks import xact_lock
from portal.core.sequences import next_number
from portal.core.uploads import check_upload
from procedures.models import Procedure, RequiredDocument, Unit
from procedures.services import working_calendar

# Decree 118/2025 took effect on 1 July 2025; dossiers received before lived under Decree 61/2018.
REGIME_2025_FROM = datetime(2025, 7, 1, tzinfo=timezone.get_fixed_timezone(7 * 60))


@dataclass(frozen=True)
class Applicant:
    name: str
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


def _actor_label(actor) -> str:
    return actor.display_name if actor is not None else "system"


def _record(
    dossier: Dossier,
    *,
    action: EventType,
    from_state: str,
    actor,
    note: str = "",
    extra=None,
    at=None,
):
    return DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        from_state=from_state,
        to_state=dossier.state,
        actor=actor,
        actor_label=_actor_label(actor),
        at=at or timezone.now(),
        note=note,
        extra=extra or {},
    )


def _lock(dossier: Dossier, expected_version: int | None) -> Dossier:
    """Re-read the dossier under a row lock; refuse if it changed since the user saw it."""
    locked = (
        Dossier.objects.select_for_update()
        .select_related("procedure_version", "handling_unit")
        .get(pk=dossier.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        who = locked.updated_by.display_name if locked.updated_by_id else _("someone else")
        raise StaleDossier(
            _("This dossier was just changed by %(who)s (now: %(state)s). Reload it and try again.")
            % {"who": who, "state": locked.get_state_display()}
        )
    return locked


def _save(dossier: Dossier, actor, fields: list[str]) -> None:
    dossier.version += 1
    dossier.updated_by = actor
    dossier.save(update_fields=[*fields, "state", "version", "updated_by", "updated_at"])


def _transition(dossier: Dossier, action: str, actor, *, check_role: bool = True) -> str:
    """Check the role and the state, then move; returns the state before."""
    if check_role and actor is not None and not access.may(actor, action, dossier):
        raise PermissionDenied(_("You may not do this on this dossier."))
    method = getattr(dossier, action)
    if not can_proceed(method):
        raise InvalidTransition(
            _("“%(action)s” is not allowed while the dossier is “%(state)s”.")
            % {"action": action, "state": dossier.get_state_display()},
            extra={"state": dossier.state},
        )
    before = dossier.state
    method()
    return before


def _act(
    dossier, action: str, actor, expected_version, *, note="", extra=None, **changes
) -> Dossier:
    """The common shape of an action: lock, check and move, set the fields, save, record."""
    dossier = _lock(dossier, expected_version)
    before = _transition(dossier, action, actor)
    for field, value in changes.items():
        setattr(dossier, field, value)
    _save(dossier, actor, list(changes))
    _record(
        dossier, action=EventType(action), from_state=before, actor=actor, note=note, extra=extra
    )
    return dossier


def _close_open_stops(dossier: Dossier, now: datetime) -> None:
    """A dossier that ends while its clock stands still closes the open stop."""
    dossier.clock_stops.filter(ended_at__isnull=True).update(ended_at=now)


def _require(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidDossier(message)
    return value


# --- Codes -----------------------------------------------------------------------------------


def allocate_code(*, unit: Unit, day) -> str:
    """`<unit code>-<yymmdd>-<sequence>`: the counter row is locked inside the caller's
    transaction, so a rolled-back dossier gives its number back and no two get the same one."""
    return f"{unit.code}-{day:%y%m%d}-{next_number(CodeCounter, unit=unit, day=day):04d}"


# --- Creation --------------------------------------------------------------------------------


def _attach(dossier, files: dict[int, UploadedFile], documents, purpose, actor) -> list[Attachment]:
    by_id = {d.pk: d for d in documents}
    attachments = []
    for doc_id, upload in files.items():
        if doc_id not in by_id:
            raise InvalidDossier(
                _("Document %(id)s is not part of this procedure.") % {"id": doc_id}
            )
        mime, digest = check_upload(upload)
        attachment = Attachment(
            dossier=dossier,
            document=by_id[doc_id],
            purpose=purpose,
            file=upload,
            original_name=(upload.name or "file")[:255],
            content_type=mime,
            size=upload.size,
            sha256=digest,
            uploaded_by=actor,
        )
        uploads.save_tracked(attachment, force_insert=True)
        attachments.append(attachment)
    return attachments


def _handed_back(files: dict[int, UploadedFile]) -> list[dict]:
    """What a refused request came with: named in its history, not kept (form 03: the papers
    go back to the applicant)."""
    return [
        {"document": doc_id, "name": (upload.name or "file")[:255], "size": upload.size}
        for doc_id, upload in files.items()
    ]


def _discard_attachments(dossier: Dossier) -> list[dict]:
    """A refused dossier's files are removed from storage once the refusal commits; the history
    keeps what they were (name, size, checksum)."""
    attachments = list(dossier.attachments.all())
    record = [
        {
            "document": a.document_id,
            "name": a.original_name,
            "size": a.size,
            "sha256": a.sha256,
        }
        for a in attachments
    ]
    names = [(a.file.storage, a.file.name) for a in attachments if a.file]
    dossier.attachments.all().delete()
    uploads.discard_files(names)
    return record


def _check_applicant(applicant: Applicant) -> None:
    _require(applicant.name, _("The applicant's name is required."))
    if applicant.id_number and not (
        applicant.id_number.isdigit() and len(applicant.id_number) == 12
    ):
        raise InvalidDossier(_("A citizen ID number has 12 digits."))
    phone = applicant.phone.replace(" ", "")
    if phone and not (phone.isdigit() and 10 <= len(phone) <= 11 and phone.startswith("0")):
        raise InvalidDossier(_("A Vietnamese phone number has 10 or 11 digits and starts with 0."))


def _receipt_moment(dossier: Dossier, now: datetime) -> datetime:
    return deadlines.receipt_moment(
        working_calendar(dossier.handling_unit),
        channel=dossier.channel,
        submitted_at=dossier.submitted_at,
        now=now,
    )


def _appointment(dossier: Dossier, received_at: datetime, due_at: datetime | None) -> datetime:
    calendar = working_calendar(dossier.handling_unit)
    return deadlines.appointment(dossier.procedure_version, calendar, received_at, due_at)


def _sent_before(actor, submission_key: str) -> Dossier | None:
    """The dossier this same user already sent with this key (a double click, a retried
    request), or None. A key is its sender's own: anyone else's identical key is a new
    submission and never reads this one (issue 8: replayed demo keys returned other people's
    dossiers). A sender who can no longer see the dossier (a clerk after it was transferred
    away) gets a conflict without its data."""
    existing = Dossier.objects.filter(submitted_by=actor, submission_key=submission_key).first()
    if existing is None:
        return None
    if not access.visible_dossiers(actor).filter(pk=existing.pk).exists():
        raise DuplicateSubmission(
            _("This submission was already received; it cannot be shown to you here.")
        )
    return existing


@uploads.discarding_orphans
@transaction.atomic
def dossier_create(
    *,
    procedure: Procedure,
    unit: Unit,
    applicant: Applicant,
    channel: str,
    actor,
    files: dict[int, UploadedFile] | None = None,
    checked_documents: list[int] | None = None,
    handling_unit: Unit | None = None,
    submission_key: str = "",
    due_at: datetime | None = None,
    note: str = "",
    refuse_reason: str = "",
) -> Dossier:
    """A new dossier. A citizen's starts `submitted`; a clerk's desk dossier starts `received`
    with its receipt and appointment (form 01), after every required document is checked.

    A walk-in request the desk may not receive (outside the unit's remit, not receivable) is
    recorded and refused at once with `refuse_reason`, so that form 03 can be printed for it.
    """
    files = files or {}
    if submission_key:
        # A double click waits here for the first submit to commit, then gets its dossier.
        xact_lock("dossier-submission", str(actor.pk), submission_key)
        existing = _sent_before(actor, submission_key)
        if existing is not None:
            return existing
    if channel not in Channel.values:
        raise InvalidDossier(_("Unknown channel."))
    if not unit.is_commune_level:
        raise InvalidDossier(_("Dossiers are received by a ward or commune."))
    _check_applicant(applicant)
    version = procedure.current_version
    documents = list(version.documents.all())
    staff_roles = {role for unit_id, role in access._roles(actor) if unit_id == unit.pk}
    at_desk = bool(staff_roles) or actor.is_superuser
    if at_desk and not ({"clerk", "leader"} & staff_roles or actor.is_superuser):
        raise PermissionDenied(_("Only the desk of this unit receives dossiers here."))
    refuse_reason = (refuse_reason or "").strip()
    if refuse_reason and not at_desk:
        raise PermissionDenied(_("Only the desk refuses to receive a dossier."))
    present = set(files) | set(checked_documents or [])
    missing = [d for d in documents if d.required and d.pk not in present]
    if missing and not refuse_reason and (at_desk or channel == Channel.ONLINE):
        raise MissingDocuments(
            _("Missing required documents: %(list)s")
            % {"list": "; ".join(d.name for d in missing)},
            extra={"missing": [d.pk for d in missing]},
        )
    now = timezone.now()
    dossier = Dossier(
        procedure=procedure,
        procedure_version=version,
        receiving_unit=unit,
        handling_unit=handling_unit or unit,
        applicant_user=None if at_desk else actor,
        applicant_name=applicant.name.strip(),
        applicant_id_number=applicant.id_number,
        applicant_phone=applicant.phone.replace(" ", ""),
        applicant_email=applicant.email,
        applicant_address=applicant.address,
        channel=Channel.DESK if at_desk and channel == Channel.ONLINE else channel,
        state=State.SUBMITTED,
        fee_vnd=version.fee_vnd,
        submitted_at=now,
        submission_key=submission_key,
        submitted_by=actor,
        updated_by=actor,
    )
    dossier.code = allocate_code(unit=unit, day=timezone.localdate(now))
    try:
        with transaction.atomic():
            dossier.save()
    except IntegrityError:
        existing = _sent_before(actor, submission_key) if submission_key else None
        if existing is None:
            raise
        return existing
    if refuse_reason:
        # Not received: its files are not kept (they go back with the applicant).
        _record(
            dossier,
            action=EventType.SUBMIT,
            from_state="",
            actor=actor,
            note=note,
            at=now,
            extra={"handed_back": _handed_back(files)} if files else None,
        )
    else:
        _attach(dossier, files, documents, Attachment.Purpose.APPLICATION, actor)
        _record(dossier, action=EventType.SUBMIT, from_state="", actor=actor, note=note, at=now)
    if refuse_reason:
        # Circular 03/2025, form 03: the specific reason for not receiving the request.
        before = _transition(dossier, "refuse", actor, check_role=False)
        dossier.reason = refuse_reason
        dossier.closed_at = now
        _save(dossier, actor, ["reason", "closed_at"])
        _record(
            dossier,
            action=EventType.REFUSE,
            from_state=before,
            actor=actor,
            note=refuse_reason,
            at=now,
        )
    elif at_desk:
        _do_receive(dossier, actor, now=now, due_at=due_at, note=note, checked=sorted(present))
    else:
        notices.notify_submitted(dossier)
    return dossier


def _do_receive(dossier: Dossier, actor, *, now, due_at=None, note="", checked=None):
    before = _transition(dossier, "receive", actor, check_role=False)
    dossier.received_at = _receipt_moment(dossier, now)
    dossier.due_at = _appointment(dossier, dossier.received_at, due_at)
    dossier.regime = Regime.R2025 if dossier.received_at >= REGIME_2025_FROM else Regime.R2018
    _save(dossier, actor, ["received_at", "due_at", "regime"])
    _record(
        dossier,
        action=EventType.RECEIVE,
        from_state=before,
        actor=actor,
        note=note,
        at=now,
        extra={"due_at": dossier.due_at.isoformat(), "checked_documents": checked or []},
    )
    notices.notify_received(dossier)


# --- Actions ---------------------------------------------------------------------------------


@transaction.atomic
def dossier_receive(*, dossier, actor, note="", due_at=None, expected_version=None) -> Dossier:
    """Form 01: the desk accepts an online dossier; the clock runs from its submission,
    normalised to the next working time (applications.deadlines.receipt_moment)."""
    dossier = _lock(dossier, expected_version)
    if not access.may(actor, "receive", dossier):
        raise PermissionDenied(_("You may not do this on this dossier."))
    _do_receive(dossier, actor, now=timezone.now(), due_at=due_at, note=note)
    return dossier


@transaction.atomic
def dossier_refuse(*, dossier, actor, reason, expected_version=None) -> Dossier:
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


def _refused_files(dossier: Dossier) -> dict:
    names = list(dossier.attachments.values("document_id", "original_name", "size", "sha256"))
    return {"discarded_files": names} if names else {}


@transaction.atomic
def dossier_start_review(
    *, dossier, actor, assignee=None, note="", expected_version=None
) -> Dossier:
    """Hand the dossier to a specialist of the handling unit (by default the one who acts)."""
    dossier = _lock(dossier, expected_version)
    assignee = assignee or actor
    if not assignee.staff_roles.filter(
        unit=dossier.handling_unit, role__in=["specialist", "leader"]
    ).exists():
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


def _stop_clock(dossier, kind, reason, now, deadline=None):
    ClockStop.objects.create(
        dossier=dossier,
        kind=kind,
        reason=reason,
        started_at=now,
        due_before=dossier.due_at,
        deadline=deadline,
    )
    dossier.clock_stopped_at = now


def _restart_clock(dossier, now) -> dict:
    """Apply the procedure's policy: resume (default) or restart (its own law)."""
    stop = dossier.clock_stops.select_for_update().filter(ended_at__isnull=True).first()
    version = dossier.procedure_version
    calendar = working_calendar(dossier.handling_unit)
    policy = deadlines.restart_policy(version)
    if dossier.due_at is not None and stop is not None:
        dossier.due_at = deadlines.due_after_stop(
            version, calendar, due_at=dossier.due_at, stopped_at=stop.started_at, now=now
        )
    if stop is not None:
        stop.ended_at = now
        stop.policy = policy
        stop.due_after = dossier.due_at
        stop.save(update_fields=["ended_at", "policy", "due_after"])
    dossier.clock_stopped_at = None
    return {"policy": policy, "due_at": dossier.due_at.isoformat() if dossier.due_at else None}


@transaction.atomic
def dossier_request_supplement(*, dossier, actor, reason, expected_version=None) -> Dossier:
    """Form 02: what to supply or correct, and why; the clock stops until the citizen answers."""
    reason = _require(reason, _("Say which documents to supply or correct, and why."))
    dossier = _lock(dossier, expected_version)
    before = _transition(dossier, "request_supplement", actor)
    now = timezone.now()
    _stop_clock(dossier, ClockStop.Kind.SUPPLEMENT, reason, now)
    dossier.supplement_requests += 1
    _save(dossier, actor, ["clock_stopped_at", "supplement_requests"])
    # Circular 03/2025: guided once, in full; a second request counts against the office.
    _record(
        dossier,
        action=EventType.REQUEST_SUPPLEMENT,
        from_state=before,
        actor=actor,
        note=reason,
        extra={"request_number": dossier.supplement_requests},
    )
    notices.notify_supplement_requested(dossier, reason=reason, officer=actor)
    return dossier


@uploads.discarding_orphans
@transaction.atomic
def dossier_supplement(*, dossier, actor, files=None, note="", expected_version=None) -> Dossier:
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
    *, dossier, actor, amount=None, note="", expected_version=None
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
def dossier_confirm_payment(*, dossier, actor, note="", expected_version=None) -> Dossier:
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
    *, dossier, actor, result_number="", result_file=None, note="", expected_version=None
) -> Dossier:
    dossier = _lock(dossier, expected_version)
    before = _transition(dossier, "resolve", actor)
    now = timezone.now()
    dossier.resolved_at = now
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
        # The dossier's result points at the same stored file (not a second copy).
        dossier.result_document = attachment.file.name
        fields.append("result_document")
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
def dossier_reject(*, dossier, actor, reason, expected_version=None) -> Dossier:
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
def dossier_stop(*, dossier, actor, reason, expected_version=None) -> Dossier:
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
    *, dossier, actor, method=ReturnMethod.DESK, note="", expected_version=None
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
def dossier_withdraw(*, dossier, actor, reason="", expected_version=None) -> Dossier:
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
def dossier_apologize(*, dossier, actor, reason, new_due_at, expected_version=None) -> Dossier:
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
    dossier.apology_due_at = new_due_at
    _save(dossier, actor, ["apology_due_at"])
    _record(
        dossier,
        action=EventType.APOLOGIZE,
        from_state=dossier.state,
        actor=actor,
        note=reason,
        extra={"due_at": dossier.due_at.isoformat(), "new_due_at": new_due_at.isoformat()},
    )
    notices.notify_apology_issued(dossier, reason=reason)
    return dossier


__all__ = ["Applicant", "RequiredDocument", "dossier_create"]
