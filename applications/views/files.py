"""Attachments and results served through an access check, never by a public /media/ URL.

A dossier's files carry personal data (IDs, birth and civil status records): the user must see
the dossier (`access.visible_dossiers`: staff of its units, officials, the applicant), and
anyone else gets 404 as if the file did not exist.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from applications import access
from applications.models import Attachment, State


def _send(field_file, filename: str, content_type: str) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    # Personal data: not kept by shared caches or the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def attachment_download(request, pk: int):
    attachment = (
        Attachment.objects.filter(
            pk=pk, dossier__in=access.visible_dossiers(request.user).values("pk")
        )
        .only("file", "original_name", "content_type")
        .first()
    )
    if attachment is None:
        raise Http404
    return _send(attachment.file, attachment.original_name, attachment.content_type)


@require_GET
@login_required
def result_download(request, code: str):
    """The electronic result, once issued (resolved, then returned)."""
    dossier = access.visible_dossiers(request.user).filter(code=code).first()
    if (
        dossier is None
        or not dossier.result_document
        or dossier.state not in (State.RESOLVED, State.RETURNED)
    ):
        raise Http404
    result = dossier.attachments.filter(purpose=Attachment.Purpose.RESULT).last()
    if result is not None:
        return _send(dossier.result_document, result.original_name, result.content_type)
    name = dossier.result_document.name.rsplit("/", 1)[-1]
    return _send(dossier.result_document, name, "application/octet-stream")
