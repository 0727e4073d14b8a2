"""Attachments are checked by their content, not their name: PDF, JPEG or PNG, within the limit."""

import hashlib

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from applications.errors import BadAttachment

ALLOWED = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def check_upload(upload) -> tuple[str, str]:
    """(content type, sha256) of a valid upload; BadAttachment with a clear message otherwise."""
    limit = settings.MOTCUA_MAX_UPLOAD_BYTES
    name = getattr(upload, "name", "") or "file"
    if upload.size > limit:
        raise BadAttachment(
            _("“%(name)s” is %(size)s; the limit is %(limit)s.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    if upload.size == 0:
        raise BadAttachment(_("“%(name)s” is empty.") % {"name": name})
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED:
        raise BadAttachment(
            _("“%(name)s” is not a PDF, JPEG or PNG file (checked by its content).")
            % {"name": name}
        )
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return kind.mime, digest.hexdigest()
