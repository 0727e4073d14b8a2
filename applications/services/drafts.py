"""Online applications saved as drafts (step 1 applicant, 2 documents, 3 review and submit);
submitting one calls reception's dossier_create."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils.translation import gettext as _

from applications.errors import InvalidDossier, MissingDocuments
from applications.models import (
    ApplicationDraft,
    Dossier,
    DraftAttachment,
)
from applications.services import reception
from portal.accounts.models import User
from portal.core.errors import BadAttachment, Conflict, NotFound
from portal.core.uploads import check_upload, discard_files, discarding_orphans, save_tracked
from procedures.models import Procedure, ProcedureVersion, RequiredDocument, Unit
from procedures.selectors import documents_required
from procedures.text import fold

# --- Drafts ------------------------------------------------------------------------------------

ANSWER_FIELDS = (
    "unit", "on_behalf", "applicant_name", "applicant_id_number", "applicant_phone",
    "applicant_email", "applicant_address", "authorisation_note",
)  # fmt: skip


def proxy_document(version: ProcedureVersion) -> RequiredDocument | None:
    """The procedure's authorisation document (văn bản / giấy ủy quyền), if it lists one."""
    for document in version.documents.all():
        if fold(document.name_vi).startswith(("van ban uy quyen", "giay uy quyen")):
            return document
    return None


@transaction.atomic
def draft_save(
    *,
    user: User,
    procedure: Procedure,
    answers: dict[str, Any],
    draft: ApplicationDraft | None = None,
) -> ApplicationDraft:
    """Step 1's answers stored at once; the same draft is updated on each step."""
    unit = Unit.objects.filter(code=answers.get("unit", "")).first()
    if unit is None or not unit.is_commune_level:
        raise InvalidDossier(_("Choose the ward or commune that receives your dossier."))
    data = {key: answers.get(key, "") for key in ANSWER_FIELDS}
    data["on_behalf"] = bool(answers.get("on_behalf"))
    if draft is None:
        draft = ApplicationDraft(user=user, procedure=procedure, submission_key=uuid.uuid4().hex)
    else:
        draft = _lock_draft(draft)
        if draft.data.get("conditions"):  # stated on step 2; step 1 again keeps them
            data["conditions"] = draft.data["conditions"]
    draft.unit = unit
    draft.data = data
    draft.save()
    return draft


def _lock_draft(draft: ApplicationDraft) -> ApplicationDraft:
    locked = ApplicationDraft.objects.select_for_update().get(pk=draft.pk)
    if locked.dossier is not None:
        raise Conflict(
            _("This application was already sent as dossier %(code)s.")
            % {"code": locked.dossier.code}
        )
    return locked


@discarding_orphans
def draft_attach(
    *, draft: ApplicationDraft, document: RequiredDocument, upload: File[Any]
) -> DraftAttachment:
    """One document saved into the draft at once. A bad file raises BadAttachment and leaves the
    draft, its answers and its other files as they were."""
    if document.version_id != draft.procedure.current_version_id:
        raise BadAttachment(_("This document is not part of the procedure."))
    mime, digest = check_upload(upload)
    with transaction.atomic():
        draft = _lock_draft(draft)
        previous = DraftAttachment.objects.filter(draft=draft, document=document).first()
        old_file = previous.file.name if previous else ""
        if previous:
            previous.delete()
        attachment = DraftAttachment(
            draft=draft,
            document=document,
            file=upload,
            original_name=(upload.name or "file")[:255],
            content_type=mime,
            size=upload.size,
            sha256=digest,
        )
        save_tracked(attachment, force_insert=True)
        draft.save(update_fields=["updated_at"])
        if old_file:
            discard_files([(attachment.file.storage, old_file)])
    return attachment


@transaction.atomic
def draft_detach(*, draft: ApplicationDraft, document_id: int) -> None:
    draft = _lock_draft(draft)
    for attachment in draft.attachments.filter(document_id=document_id):
        name, storage = attachment.file.name, attachment.file.storage
        attachment.delete()
        if name:
            discard_files([(storage, name)])


@transaction.atomic
def draft_discard(*, draft: ApplicationDraft) -> None:
    draft = _lock_draft(draft)
    names = [(a.file.storage, a.file.name) for a in draft.attachments.all() if a.file.name]
    draft.delete()
    discard_files(names)


@transaction.atomic
def draft_state_conditions(*, draft: ApplicationDraft, conditions: list[int]) -> ApplicationDraft:
    """The cases the applicant states apply ("khi xin cấp lại"): their conditional documents
    become required (procedures.selectors.documents_required); ids of other documents are
    ignored."""
    draft = _lock_draft(draft)
    version = _published_version(draft)
    conditional = set(
        version.documents.filter(required=False).exclude(condition="").values_list("pk", flat=True)
    )
    draft.data = {**draft.data, "conditions": sorted(conditional & set(conditions))}
    draft.save(update_fields=["data", "updated_at"])
    return draft


def draft_conditions(draft: ApplicationDraft) -> list[int]:
    return [int(pk) for pk in draft.data.get("conditions", []) if str(pk).isdigit()]


def _published_version(draft: ApplicationDraft) -> ProcedureVersion:
    """The procedure's current version; a procedure withdrawn since the draft began is no
    longer in the catalogue (404, as for an unknown code)."""
    version = draft.procedure.current_version
    if version is None:
        raise NotFound(_("Unknown procedure code."))
    return version


def draft_problems(draft: ApplicationDraft) -> list[str]:
    """What still stops the draft from being sent, in the citizen's words."""
    version = _published_version(draft)
    attached = set(draft.attachments.values_list("document_id", flat=True))
    proxy = proxy_document(version)
    problems = [
        _("Missing: %(name)s") % {"name": d.name}
        for d in documents_required(version, draft_conditions(draft))
        if d.pk not in attached
    ]
    if draft.data.get("on_behalf"):
        if proxy is not None and proxy.pk not in attached:
            problems.append(
                _("Attach the authorisation document (%(name)s).") % {"name": proxy.name}
            )
        if proxy is None and not draft.data.get("authorisation_note", "").strip():
            problems.append(_("Say who authorised you to apply for them, and how."))
    return problems


@discarding_orphans
def draft_submit(*, draft: ApplicationDraft) -> Dossier:
    """The draft becomes a dossier, once: the draft's key makes a repeated submit return the
    dossier of the first one (double click, reload, two tabs)."""
    with transaction.atomic():
        locked = ApplicationDraft.objects.select_for_update().get(pk=draft.pk)
        if locked.dossier is not None:
            return locked.dossier
        problems = draft_problems(locked)
        if problems:
            raise MissingDocuments("; ".join(problems))
        data = locked.data
        version = _published_version(locked)
        if locked.unit is None:
            raise InvalidDossier(_("Choose the ward or commune that receives your dossier."))
        current = set(version.documents.values_list("pk", flat=True))
        attachments = [a for a in locked.attachments.all() if a.document_id in current]
        files: dict[int, File[Any]] = {}
        for attachment in attachments:
            with attachment.file.open("rb") as handle:
                files[attachment.document_id] = ContentFile(
                    handle.read(), name=attachment.original_name
                )
        note = ""
        if data.get("on_behalf"):
            note = _("Submitted online by %(name)s on behalf of the applicant.") % {
                "name": locked.user.display_name
            }
            if data.get("authorisation_note", "").strip():
                note += " " + _("Authorisation: %(note)s") % {"note": data["authorisation_note"]}
        dossier = reception.dossier_create(
            procedure=locked.procedure,
            unit=locked.unit,
            applicant=reception.Applicant(
                name=data.get("applicant_name", ""),
                id_number=data.get("applicant_id_number", ""),
                phone=data.get("applicant_phone", ""),
                email=data.get("applicant_email", ""),
                address=data.get("applicant_address", ""),
            ),
            channel="online",
            actor=locked.user,
            files=files,
            submission_key=locked.submission_key,
            note=note,
            conditions=draft_conditions(locked),
        )
        locked.dossier = dossier
        locked.save(update_fields=["dossier", "updated_at"])
        # The dossier holds its own copies now; the draft's files are no longer needed.
        names = [(a.file.storage, a.file.name) for a in locked.attachments.all() if a.file.name]
        locked.attachments.all().delete()
        discard_files(names)
    return dossier
