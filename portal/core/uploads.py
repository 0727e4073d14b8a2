"""Attachments are checked by their content, not their name: PDF, JPEG or PNG, within the limits.

A file that passes is also safe to keep and to hand to a clerk's viewer:
- its name, when it has an extension, says what it contains (no `.html` that is a PDF);
- it is not also another format (a ZIP or a web page glued to a picture: a polyglot);
- an image's size is read from its header, never decoded: a small file that claims 900 million
  pixels (a decompression bomb) is refused before anything expands it;
- a PDF is parsed, object streams included, and refused when it carries scripts (/JS,
  /JavaScript, /AA, XFA), launches programs (/Launch) or embeds other files (/EmbeddedFile).

And what is written is not left behind when the transaction that wrote it rolls back:
`save_tracked` notes every file a row writes; `discard_orphans` (after the outermost transaction,
at the end of each request and task) deletes the noted files that no committed row refers to.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import filetype
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage
from django.db import DatabaseError, models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

from portal.core.errors import BadAttachment

if TYPE_CHECKING:
    from pypdf import PdfReader

logger = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")

ALLOWED = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
# The extensions a name may carry for each content type (no extension: the content decides).
EXTENSIONS = {"application/pdf": {"pdf"}, "image/jpeg": {"jpg", "jpeg"}, "image/png": {"png"}}
PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
# How far from each end a polyglot's second format is looked for: ZIP readers find the archive
# by its end record (within 64 KiB of the end); browsers sniff a page from its first bytes.
EDGE_BYTES = 64 * 1024 + 22
POLYGLOT_MARKERS = (b"<script", b"<html", b"<!doctype html", b"<?php", b"<svg", b"<iframe")
ZIP_END_RECORD = b"PK\x05\x06"
# A PDF with more objects than this is not a scanned document (a 100-page scan has a few
# hundred); it is refused, not walked: walking costs about a second per 5,000 objects.
MAX_PDF_OBJECTS = 20_000
# And no more values than this are looked at in all (a huge array of numbers is not a form).
MAX_PDF_VALUES = 500_000

# Names (after pypdf decodes `#xx` escapes) that make a PDF run code or carry other files.
PDF_SCRIPT_KEYS = {"/JS", "/JavaScript", "/AA", "/XFA"}
PDF_LAUNCH_KEYS = {"/Launch"}
PDF_EMBEDDED_KEYS = {"/EmbeddedFile", "/EmbeddedFiles", "/EF", "/RichMedia"}
PDF_ACTION_TYPES = {
    "/JavaScript": "script",
    "/Launch": "launch",
    "/EmbeddedFile": "embedded",
    "/FileAttachment": "embedded",
    "/RichMedia": "embedded",
}


def check_upload(upload: File[Any], *, photos_only: bool = False) -> tuple[str, str]:
    """(content type, sha256) of a valid upload; BadAttachment with a clear message otherwise.

    `photos_only` (neighbourhood reports, open to anyone) refuses a PDF before parsing it."""
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
    head = upload.read(EDGE_BYTES)
    kind = filetype.guess(head[:8192])
    if kind is None or kind.mime not in ALLOWED:
        raise BadAttachment(
            _("“%(name)s” is not a PDF, JPEG or PNG file (checked by its content).")
            % {"name": name}
        )
    mime = kind.mime
    if photos_only and not mime.startswith("image/"):
        raise BadAttachment(
            _("“%(name)s” is not a JPEG or PNG photo (checked by its content).") % {"name": name}
        )
    _check_name(name, mime)
    upload.seek(max(upload.size - EDGE_BYTES, 0))
    tail = upload.read(EDGE_BYTES)
    _check_polyglot(name, head, tail)
    upload.seek(0)
    if mime == "application/pdf":
        _check_pdf(upload, name)
    else:
        _check_image(upload, name, mime)
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return mime, digest.hexdigest()


# --- Name and polyglots -------------------------------------------------------------------------


def _check_name(name: str, mime: str) -> None:
    extension = os.path.splitext(name)[1].lstrip(".").lower()
    if extension and extension not in EXTENSIONS[mime]:
        raise BadAttachment(
            _(
                "“%(name)s” is named as a .%(extension)s file but its content is %(kind)s: "
                "rename it or send the right file."
            )
            % {"name": name, "extension": extension, "kind": ALLOWED[mime].upper()}
        )


def _check_polyglot(name: str, head: bytes, tail: bytes) -> None:
    edges = (head[:1024] + b"\0" + tail[-1024:]).lower()
    if ZIP_END_RECORD in tail or any(marker in edges for marker in POLYGLOT_MARKERS):
        raise BadAttachment(
            _(
                "“%(name)s” also contains another kind of file (an archive or a web page) "
                "and cannot be accepted. Scan or export the document again."
            )
            % {"name": name}
        )


# --- Images -------------------------------------------------------------------------------------


def _too_many_pixels(name: str) -> BadAttachment:
    return BadAttachment(
        _(
            "“%(name)s” is too large an image (more than %(limit)s megapixels). "
            "Send a smaller photo or scan."
        )
        % {"name": name, "limit": settings.MOTCUA_MAX_IMAGE_PIXELS // 1_000_000}
    )


def _check_image(upload: File[Any], name: str, mime: str) -> None:
    """Size from the header only: Image.open reads the header and decodes nothing."""
    limit = settings.MOTCUA_MAX_IMAGE_PIXELS
    damaged = BadAttachment(
        _("“%(name)s” cannot be read as an image (damaged or not really a photo).") % {"name": name}
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[PILLOW_FORMATS[mime]]) as image:
                width, height = image.size
                if width <= 0 or height <= 0:
                    raise damaged
                if width * height > limit:
                    raise _too_many_pixels(name)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name) from None
    except BadAttachment:
        raise
    except Exception:  # Pillow raises many kinds (OSError, SyntaxError, struct.error, ...)
        raise damaged from None
    finally:
        upload.seek(0)


# --- PDFs ---------------------------------------------------------------------------------------


def _pdf_refusal(name: str, problem: str) -> BadAttachment:
    messages = {
        "script": _(
            "“%(name)s” contains JavaScript or automatic actions, which are not accepted "
            "in a PDF. Print it to PDF again or scan the paper document."
        ),
        "launch": _(
            "“%(name)s” tries to open other programs (a Launch action) and cannot be "
            "accepted. Print it to PDF again or scan the paper document."
        ),
        "embedded": _(
            "“%(name)s” has other files embedded in it, which are not accepted. Send each "
            "document as its own PDF, JPEG or PNG file."
        ),
        "damaged": _(
            "“%(name)s” cannot be read as a PDF (damaged or incomplete). Export or scan it again."
        ),
        "encrypted": _(
            "“%(name)s” is protected by a password and cannot be checked. Send it without "
            "the password."
        ),
        "complex": _(
            "“%(name)s” is too complex a PDF to be checked. Print it to PDF again or scan it."
        ),
    }
    return BadAttachment(messages[problem] % {"name": name})


def _check_pdf(upload: File[Any], name: str) -> None:
    from pypdf import PdfReader

    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _pdf_refusal(name, "encrypted")
        problem = _pdf_problem(reader)
    except BadAttachment:
        raise
    except RecursionError:
        raise _pdf_refusal(name, "complex") from None
    except Exception:  # pypdf raises PdfReadError, ValueError, KeyError, ... on broken files
        logger.info("upload %r: PDF does not parse", name, exc_info=True)
        raise _pdf_refusal(name, "damaged") from None
    finally:
        upload.seek(0)
    if problem:
        raise _pdf_refusal(name, problem)


def _pdf_problem(reader: PdfReader) -> str | None:
    """Walk every object: those reachable from the trailer (what a viewer sees) and every one the
    cross-reference tables list, object streams included (pypdf decompresses them)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    indirect = sum(len(numbers) for numbers in reader.xref.values()) + len(reader.xref_objStm)
    if indirect > MAX_PDF_OBJECTS:
        return "complex"
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    for generation, numbers in reader.xref.items():
        stack.extend(IndirectObject(number, generation, reader) for number in numbers)
    stack.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        visited += 1
        if visited > MAX_PDF_VALUES:
            return "complex"
        if isinstance(item, DictionaryObject):
            keys = {str(k) for k in item}
            if keys & PDF_SCRIPT_KEYS:
                return "script"
            if keys & PDF_LAUNCH_KEYS:
                return "launch"
            if keys & PDF_EMBEDDED_KEYS:
                return "embedded"
            for field in ("/S", "/Type", "/Subtype"):
                value = item.get(field)
                if isinstance(value, NameObject) and str(value) in PDF_ACTION_TYPES:
                    return PDF_ACTION_TYPES[str(value)]
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return None


# --- Files of rolled-back transactions ----------------------------------------------------------

_WRITTEN = "_motcua_files_written"


def save_tracked(instance: models.Model, **kwargs: Any) -> None:
    """`instance.save()`, noting each file it writes to storage, so that a rollback of the
    surrounding transaction (a later step failing, the database refusing) leaves no file."""
    _tracked([instance], lambda: instance.save(**kwargs))


def create_tracked(instances: Sequence[models.Model]) -> None:
    """New rows of one model in one INSERT (`bulk_create`, which writes their files first),
    each file noted as `save_tracked` notes it (a submission's attachments; issue 10)."""
    if instances:
        _tracked(instances, lambda: type(instances[0])._default_manager.bulk_create(instances))


def _tracked(instances: Sequence[models.Model], write: Callable[[], Any]) -> None:
    pending = []
    for instance in instances:
        for field in instance._meta.concrete_fields:
            if not isinstance(field, models.FileField):
                continue
            value = getattr(instance, field.attname)
            if value and not value._committed:
                pending.append((instance, field, value))
    saved = False
    try:
        write()
        saved = True
    finally:
        connection = transaction.get_connection()
        for instance, field, value in pending:
            if value._committed and value.name:
                written = connection.__dict__.setdefault(_WRITTEN, [])
                entry = (type(instance), field.attname, value.storage, value.name)
                written.append(entry)
                if saved:
                    # Once its row commits the file is kept without asking the database (a
                    # lookup by file name reads the whole table). A rolled-back savepoint drops
                    # this hook, so the file of a row undone there is still checked.
                    transaction.on_commit(functools.partial(_kept, written, entry))
        discard_orphans()


def _kept(written: list[Any], entry: tuple[Any, ...]) -> None:
    if entry in written:
        written.remove(entry)


def discard_orphans(**_signal_kwargs: object) -> int:
    """Once no transaction is open, delete the noted files that no row refers to (their rows
    were rolled back). Inside a transaction it waits: the outcome is not known yet. Returns the
    number of files deleted."""
    connection = transaction.get_connection()
    if connection.in_atomic_block or not connection.__dict__.get(_WRITTEN):
        return 0
    written = connection.__dict__.pop(_WRITTEN)
    deleted = 0
    for model, attname, storage, name in written:
        try:
            kept = model._default_manager.filter(**{attname: name}).exists()
        except DatabaseError:
            # The database cannot say: keep the file (an orphan file is better than a row that
            # points at nothing), and say so.
            logger.warning("cannot check whether %s is still referenced; kept", name)
            continue
        if not kept:
            storage.delete(name)
            deleted += 1
    return deleted


def discard_files(names: list[tuple[Storage, str]]) -> None:
    """Delete these stored files once the transaction commits (nothing if it rolls back)."""
    if names:
        transaction.on_commit(lambda: _delete(names))


def _delete(names: list[tuple[Storage, str]]) -> None:
    for storage, name in names:
        storage.delete(name)


def discarding_orphans(func: Callable[P, R]) -> Callable[P, R]:
    """Around a service that writes files: once its outermost transaction is over, committed or
    rolled back, the files of rows that did not survive are deleted."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        finally:
            discard_orphans()

    return wrapper
