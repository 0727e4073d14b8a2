"""A walk-in the desk could not receive at the first try keeps its scans and fields: they are
held as a draft of the clerk's (`ApplicationDraft.at_desk`), shown again on the reception form
and used by the next try, so nothing the applicant handed over is scanned twice."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import ApplicationDraft, Dossier, DraftAttachment
from applications.services.drafts import draft_attach
from portal.accounts.models import User
from portal.core.errors import BadAttachment
from portal.core.uploads import discard_files
from procedures.models import Procedure, RequiredDocument


def held_walk_in(*, user: User, procedure: Procedure, pk: str) -> ApplicationDraft | None:
    """The clerk's own held walk-in of this procedure, not yet received (None otherwise: a
    stranger's number, or one already received, is simply not reused)."""
    if not pk.isdigit():
        return None
    return (
        ApplicationDraft.objects.filter(
            pk=int(pk), user=user, procedure=procedure, at_desk=True, dossier__isnull=True
        )
        .prefetch_related("attachments")
        .first()
    )


@transaction.atomic
def walk_in_hold(
    *,
    user: User,
    procedure: Procedure,
    values: dict[str, str],
    uploads: dict[int, File[Any]],
    draft: ApplicationDraft | None = None,
) -> tuple[ApplicationDraft, list[str]]:
    """Hold the fields and every acceptable scan (a new scan replaces the held one of its
    document); return the draft and what was wrong with the refused scans."""
    if draft is None:
        draft = ApplicationDraft(
            user=user, procedure=procedure, at_desk=True, submission_key=uuid.uuid4().hex
        )
    draft.data = dict(values)
    draft.save()
    documents = {d.pk: d for d in RequiredDocument.objects.filter(pk__in=list(uploads))}
    problems = []
    for doc_id, upload in uploads.items():
        document = documents.get(doc_id)
        try:
            if document is None:
                raise BadAttachment(
                    _("“%(name)s” is not for a document of this procedure.") % {"name": upload.name}
                )
            draft_attach(draft=draft, document=document, upload=upload)
        except BadAttachment as exc:
            problems.append(str(exc.message))
    return ApplicationDraft.objects.prefetch_related("attachments").get(pk=draft.pk), problems


def held_files(draft: ApplicationDraft) -> dict[int, File[Any]]:
    """Copies of the held scans, by document, for `dossier_create`."""
    files: dict[int, File[Any]] = {}
    for attachment in DraftAttachment.objects.filter(draft=draft):
        with attachment.file.open("rb") as handle:
            files[attachment.document_id] = ContentFile(
                handle.read(), name=attachment.original_name
            )
    return files


# A held walk-in carries the applicant's ID number and scans: kept for the clerk's next try,
# not for ever. Older ones are discarded whenever a reception form is opened (one query).
HELD_FOR = timedelta(hours=24)


@transaction.atomic
def walk_in_purge_stale(*, now: datetime | None = None) -> int:
    """Discard every held walk-in (any clerk's) untouched for `HELD_FOR`; how many went."""
    stale = ApplicationDraft.objects.filter(
        at_desk=True, dossier__isnull=True, updated_at__lt=(now or timezone.now()) - HELD_FOR
    )
    names = [
        (a.file.storage, a.file.name)
        for a in DraftAttachment.objects.filter(draft__in=stale)
        if a.file.name
    ]
    count, _deleted = stale.delete()
    discard_files(names)
    return count


@transaction.atomic
def walk_in_done(*, draft: ApplicationDraft, dossier: Dossier) -> None:
    """The walk-in was received (or refused): the dossier has its own copies, the held ones go."""
    locked = ApplicationDraft.objects.select_for_update().get(pk=draft.pk)
    names = [(a.file.storage, a.file.name) for a in locked.attachments.all() if a.file.name]
    DraftAttachment.objects.filter(draft=locked).delete()
    locked.dossier = dossier
    locked.save(update_fields=["dossier", "updated_at"])
    discard_files(names)
