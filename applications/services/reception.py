"""Reception at the desk and online submission (dossier_create) and the receipt; the dossier's
code and the submission key's look-up are in codes.py."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files.base import File
from django.db import IntegrityError, connection, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import access, deadlines
from applications.errors import (
    InvalidDossier,
    MissingDocuments,
)
from applications.models import (
    Attachment,
    Channel,
    Dossier,
    DossierEvent,
    Regime,
    State,
)
from applications.services import notices
from applications.services.base import _actor_label, _record, _require, _save, _transition
from applications.services.codes import insert_numbered, number_dossier, reserve_id, sent_before
from applications.workflow import EventType
from portal.accounts import identity
from portal.accounts.models import User
from portal.core import uploads
from portal.core.errors import NotFound, PermissionDenied
from portal.core.locks import xact_lock
from portal.core.uploads import check_upload
from procedures.models import Procedure, RequiredDocument, Unit
from procedures.selectors import documents_required
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


# Forms 01 and 07 print the sets received; more than this at one desk is a typing slip.
MAX_SETS = 20


# --- Creation --------------------------------------------------------------------------------


def _attach(
    dossier: Dossier,
    files: Mapping[int, File[Any]],
    documents: Iterable[RequiredDocument],
    purpose: str,
    actor: User | None,
) -> list[Attachment]:
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
        attachments.append(attachment)
    uploads.create_tracked(attachments)  # one INSERT for all (issue 10)
    return attachments


def _handed_back(files: Mapping[int, File[Any]]) -> list[dict[str, Any]]:
    """What a refused request came with: named in its history, not kept (form 03: the papers
    go back to the applicant)."""
    return [
        {"document": doc_id, "name": (upload.name or "file")[:255], "size": upload.size}
        for doc_id, upload in files.items()
    ]


def _discard_attachments(dossier: Dossier) -> list[dict[str, Any]]:
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
    names = [(a.file.storage, a.file.name) for a in attachments if a.file.name]
    dossier.attachments.all().delete()
    uploads.discard_files(names)
    return record


def _check_applicant(applicant: Applicant) -> None:
    _require(applicant.name, _("The applicant's name is required."))
    if applicant.id_number and not identity.is_citizen_id_number(applicant.id_number):
        raise InvalidDossier(_("A citizen ID number has 12 digits."))
    if applicant.phone and not identity.is_phone_number(applicant.phone):
        raise InvalidDossier(_("A Vietnamese phone number has 10 or 11 digits and starts with 0."))


def _receipt_moment(dossier: Dossier, now: datetime) -> datetime:
    moment: datetime = deadlines.receipt_moment(
        working_calendar(dossier.handling_unit),
        channel=dossier.channel,
        submitted_at=dossier.submitted_at,
        now=now,
    )
    return moment


def _appointment(dossier: Dossier, received_at: datetime, due_at: datetime | None) -> datetime:
    calendar = working_calendar(dossier.handling_unit)
    return deadlines.appointment(dossier.procedure_version, calendar, received_at, due_at)


@uploads.discarding_orphans
@transaction.atomic
def dossier_create(
    *,
    procedure: Procedure,
    unit: Unit,
    applicant: Applicant,
    channel: str,
    actor: User,
    files: Mapping[int, File[Any]] | None = None,
    checked_documents: list[int] | None = None,
    handling_unit: Unit | None = None,
    submission_key: str = "",
    due_at: datetime | None = None,
    note: str = "",
    refuse_reason: str = "",
    conditions: list[int] | None = None,
    sets: int | None = None,
) -> Dossier:
    """A new dossier. A citizen's starts `submitted`; a clerk's desk dossier starts `received`
    with its receipt and appointment (form 01), after every required document is checked.

    A walk-in request the desk may not receive (outside the unit's remit, not receivable) is
    recorded and refused at once with `refuse_reason`, so that form 03 can be printed for it.

    `sets`: how many sets (bộ) of the papers the desk received (forms 01 and 07); 1 unless said.
    """
    files = files or {}
    if sets is not None and not 1 <= sets <= MAX_SETS:
        raise InvalidDossier(
            _("The number of sets must be a whole number from 1 to %(max)s.") % {"max": MAX_SETS}
        )
    if submission_key:
        # A double click waits here for the first submit to commit, then gets its dossier.
        xact_lock("dossier-submission", str(actor.pk), submission_key)
        existing = sent_before(actor, submission_key)
        if existing is not None:
            return existing
    if channel not in Channel.values:
        raise InvalidDossier(_("Unknown channel."))
    if not unit.is_commune_level:
        raise InvalidDossier(_("Dossiers are received by a ward or commune."))
    _check_applicant(applicant)
    version = procedure.current_version
    if version is None:  # not published: outside the catalogue
        raise NotFound(_("Unknown procedure code."))
    # Read once: the check below (`documents_required`) and the attachments use the same list.
    prefetch_related_objects([version], "documents")
    documents = list(version.documents.all())
    at_desk = access.at_unit_desk(actor, unit.pk)
    if at_desk and not access.may_receive_at(actor, unit.pk):
        raise PermissionDenied(_("Only the desk of this unit receives dossiers here."))
    refuse_reason = (refuse_reason or "").strip()
    if refuse_reason and not at_desk:
        raise PermissionDenied(_("Only the desk refuses to receive a dossier."))
    present = set(files) | set(checked_documents or [])
    missing = [d for d in documents_required(version, conditions or ()) if d.pk not in present]
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
        sets=sets,
    )
    received = at_desk and not refuse_reason
    submitted = DossierEvent(
        action=EventType.SUBMIT, from_state="", to_state=State.SUBMITTED, note=note
    )
    events = [submitted]
    if received:
        # Received at once: the dossier is written once, already received; its history keeps
        # both steps (submitted, then received with the appointment).
        events.append(_receive(dossier, actor, now=now, due_at=due_at, note=note, checked=present))
    if refuse_reason and files:
        # Not received: its files are not kept (they go back with the applicant).
        submitted.extra = {"handed_back": _handed_back(files)}
    label = _actor_label(actor)
    for event in events:
        event.actor, event.actor_label, event.at = actor, label, now
    attached = False
    if connection.vendor == "postgresql" and files and not refuse_reason:
        # Its files first, under the id it will have: the rollup counts them with the dossier.
        dossier.pk = reserve_id()
        _attach(dossier, files, documents, Attachment.Purpose.APPLICATION, actor)
        attached = True
    if connection.vendor == "postgresql":
        # Inserted with its code and its history in one statement, the counter bumped in it: the
        # unit's counter row stays locked from then to the commit, as the ward's rollup rows
        # that this INSERT's triggers bump (the number stays gapless: a rollback gives it
        # back). No savepoint: the named lock above makes a second dossier with this sender's
        # key wait for the first to commit and return it, so the insert cannot meet that key.
        insert_numbered(dossier, unit, timezone.localdate(now), events)
    else:
        # A code of its own until the number is taken, as the last step before the commit.
        dossier.code = f"~{uuid.uuid4().hex}"
        try:
            with transaction.atomic():
                dossier.save(force_insert=True)
        except IntegrityError:
            existing = sent_before(actor, submission_key) if submission_key else None
            if existing is None:
                raise
            return existing
        for event in events:
            event.dossier = dossier
        DossierEvent.objects.bulk_create(events)
    if not refuse_reason and not attached:
        _attach(dossier, files, documents, Attachment.Purpose.APPLICATION, actor)
    if refuse_reason:
        # Circular 03/2025, form 03: the specific reason for not receiving the request.
        before = _transition(dossier, "refuse", actor, check_role=False)
        dossier.reason = refuse_reason
        dossier.closed_at = now
        _save(dossier, actor, ["reason", "closed_at"])
        events.append(
            _record(
                dossier,
                action=EventType.REFUSE,
                from_state=before,
                actor=actor,
                note=refuse_reason,
                at=now,
            )
        )
    _with_history(dossier, events)
    if dossier.code.startswith("~"):
        dossier.code = number_dossier(dossier, unit, timezone.localdate(now))
    if received:
        notices.notify_received(dossier)
    elif not refuse_reason:
        notices.notify_submitted(dossier)
    return dossier


def _with_history(dossier: Dossier, events: list[DossierEvent]) -> None:
    """The new dossier carries the history rows just written (in their order, `at` then id), as
    a prefetch would: whoever shows it (the API's answer) reads no history back."""
    history = dossier.events.all()
    history._result_cache = list(events)
    history._prefetch_done = True  # type: ignore[attr-defined]
    dossier._prefetched_objects_cache = {"events": history}  # type: ignore[attr-defined]


def _receive(
    dossier: Dossier,
    actor: User | None,
    *,
    now: datetime,
    due_at: datetime | None,
    note: str,
    checked: Iterable[int],
) -> DossierEvent:
    """Receive `dossier` in memory (state, receipt, appointment, regime, version); returns its
    history row, to be written by the caller with the dossier's."""
    before = _transition(dossier, "receive", actor, check_role=False)
    dossier.received_at = _receipt_moment(dossier, now)
    dossier.due_at = _appointment(dossier, dossier.received_at, due_at)
    # Form 01: the appointment as given on the receipt, kept as given; clock stops move
    # due_at only (issue 11, item 5). A dossier received here is one set.
    dossier.appointment_at = dossier.due_at
    dossier.sets = dossier.sets or 1
    dossier.regime = Regime.R2025 if dossier.received_at >= REGIME_2025_FROM else Regime.R2018
    dossier.version += 1
    dossier.updated_by = actor
    return DossierEvent(
        action=EventType.RECEIVE,
        from_state=before,
        to_state=dossier.state,
        note=note,
        extra={"due_at": dossier.due_at.isoformat(), "checked_documents": sorted(checked)},
    )


def _do_receive(
    dossier: Dossier,
    actor: User | None,
    *,
    now: datetime,
    due_at: datetime | None = None,
    note: str = "",
    checked: list[int] | None = None,
) -> None:
    """Receive a saved dossier (an online one, at the desk): saved, recorded, the citizen told."""
    event = _receive(dossier, actor, now=now, due_at=due_at, note=note, checked=checked or [])
    dossier.save(
        update_fields=[
            "received_at",
            "due_at",
            "appointment_at",
            "sets",
            "regime",
            "state",
            "version",
            "updated_by",
            "updated_at",
        ]
    )
    _record(
        dossier,
        action=EventType.RECEIVE,
        from_state=event.from_state,
        actor=actor,
        note=note,
        at=now,
        extra=event.extra,
    )
    notices.notify_received(dossier)
