"""A new neighbourhood report: its code, its checks (place, contact, photos) and the one
transaction that writes it, its photos and its first history row.

Pages, the portal API and Open311 all call `report_create`. A repeated submit (double click,
retried request) returns the first report, to its sender only (`submission_sender`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string, salted_hmac
from django.utils.translation import gettext as _

from feedback import access, notices, routing
from feedback.errors import DuplicateSubmission, InvalidReport
from feedback.models import HUE_BBOX, Category, Channel, Open311Key, Report, ReportPhoto
from feedback.services.history import record, require
from feedback.services.timers import pickup_due
from portal.accounts.models import User
from portal.core.errors import BadAttachment
from portal.core.locks import xact_lock
from portal.core.sequences import REPORT_CODE, next_number
from portal.core.uploads import check_upload, discarding_orphans, save_tracked
from procedures.models import Unit

MAX_PHOTOS = 3
PHOTO_TYPES = ("image/jpeg", "image/png")
MAX_DESCRIPTION = 4000
RATING_KEY_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


@dataclass(frozen=True)
class Contact:
    """Optional; personal data shown to the ward's staff only."""

    name: str = ""
    phone: str = ""
    email: str = ""


# --- Codes -----------------------------------------------------------------------------------


def allocate_code(*, unit: Unit, day: date) -> str:
    """`PA-<unit code>-<yymmdd>-<sequence>`: the counter row is locked inside the caller's
    transaction, so a rolled-back report gives its number back and no two get the same one."""
    return f"PA-{unit.code}-{day:%y%m%d}-{next_number(REPORT_CODE, unit_id=unit.pk, day=day):04d}"


# --- Creation --------------------------------------------------------------------------------


def check_photos(
    photos: Sequence[UploadedFile[bytes] | None] | None,
) -> list[tuple[UploadedFile[bytes], str, str]]:
    """(upload, content type, sha256) of each photo; BadAttachment naming the first bad one.

    Checked before anything is written, so a bad photo leaves no half-made report."""
    given = [p for p in (photos or []) if p]
    if len(given) > MAX_PHOTOS:
        raise BadAttachment(_("At most %(n)s photos.") % {"n": MAX_PHOTOS})
    checked: list[tuple[UploadedFile[bytes], str, str]] = []
    for upload in given:
        mime, digest = check_upload(upload, photos_only=True)
        if mime not in PHOTO_TYPES:
            raise BadAttachment(
                _("“%(name)s” is not a JPEG or PNG photo (checked by its content).")
                % {"name": upload.name or "file"}
            )
        checked.append((upload, mime, digest))
    return checked


def _check_contact(contact: Contact) -> Contact:
    phone = contact.phone.replace(" ", "").replace(".", "")
    if phone and not (phone.isdigit() and 10 <= len(phone) <= 11 and phone.startswith("0")):
        raise InvalidReport(_("A Vietnamese phone number has 10 or 11 digits and starts with 0."))
    email = contact.email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidReport(_("Enter a valid e-mail address.")) from None
    return Contact(name=contact.name.strip()[:200], phone=phone, email=email)


def _check_place(latitude: Decimal | None, longitude: Decimal | None, address: str) -> None:
    if (latitude is None) != (longitude is None):
        raise InvalidReport(_("Give both the latitude and the longitude, or neither."))
    if latitude is None and not address.strip():
        raise InvalidReport(
            _("Say where it is: an address or landmark, or the point's coordinates."),
            code="location_required",
        )
    if (
        latitude is not None
        and longitude is not None
        and not (
            HUE_BBOX["south"] <= latitude <= HUE_BBOX["north"]
            and HUE_BBOX["west"] <= longitude <= HUE_BBOX["east"]
        )
    ):
        raise InvalidReport(_("The point is outside Huế."), code="outside_area")


ANONYMOUS_SENDER = "anonymous"


def submission_sender(*, actor: User | AnonymousUser | None = None, client_secret: str = "") -> str:
    """Whose submission key this is. A signed-in user's; an anonymous browser's, bound to a
    secret only that browser holds (its CSRF cookie), stored as a keyed digest; or nobody's in
    particular (`anonymous`: API and Open311 clients without an account)."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        return f"user:{actor.pk}"
    if client_secret:
        return "client:" + salted_hmac("feedback-submission-sender", client_secret).hexdigest()[:40]
    return ANONYMOUS_SENDER


def _sent_before(sender: str, submission_key: str, rating_key: str) -> Report | None:
    """The report this same sender already sent with this key, or None.

    Issue 8: the key alone used to return whoever's report it was, with its rating key. Now a
    key is its sender's own; where the sender is not known (`anonymous`), the repeat must also
    give the report's rating key, and without it gets a conflict carrying no data."""
    existing = (
        Report.objects.select_related("unit")
        .filter(submission_sender=sender, submission_key=submission_key)
        .first()
    )
    if existing is None or sender != ANONYMOUS_SENDER:
        return existing
    if access.holds_key(existing, rating_key):
        return existing
    raise DuplicateSubmission(
        _(
            "A report was already sent with this submission key. Send it again with its rating "
            "key, or use a new submission key."
        )
    )


@discarding_orphans
@transaction.atomic
def report_create(
    *,
    category: str,
    description: str,
    unit: Unit | None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    address: str = "",
    contact: Contact | None = None,
    actor: User | AnonymousUser | None = None,
    channel: str = Channel.WEB,
    photos: Sequence[UploadedFile[bytes] | None] | None = None,
    is_public: bool = True,
    submission_key: str = "",
    client_secret: str = "",
    rating_key: str = "",
    open311_key: Open311Key | None = None,
) -> Report:
    """A new report, routed to `unit` (the ward the reporter chose) or, when it is None, by
    `feedback.routing.route`: the ward whose known area holds the point, else the city's triage
    desk. Emergencies tell the leader of the unit it went to at once.

    `submission_key` makes a repeated submit (double click, retried request) return the first
    report, to its sender only (`submission_sender`): `client_secret` is what binds an
    anonymous browser's key to it; `rating_key` is the proof an anonymous API client gives."""
    sender = submission_sender(actor=actor, client_secret=client_secret)
    if submission_key:
        # A double click waits here for the first submit to commit, then gets its report.
        xact_lock("report-submission", sender, submission_key)
        existing = _sent_before(sender, submission_key, rating_key)
        if existing is not None:
            return existing
    if category not in Category.values:
        raise InvalidReport(_("Unknown category."), code="unknown_category")
    if unit is not None and not unit.is_commune_level:
        raise InvalidReport(_("Choose the ward or commune where it is."), code="unit_required")
    description = require(description, _("Describe what you saw."))
    if len(description) > MAX_DESCRIPTION:
        raise InvalidReport(_("The description is too long."))
    address = (address or "").strip()[:300]
    _check_place(latitude, longitude, address)
    unit, routed_by = routing.route(unit=unit, latitude=latitude, longitude=longitude)
    if unit is None:
        raise InvalidReport(_("Choose the ward or commune where it is."), code="unit_required")
    contact = _check_contact(contact or Contact())
    checked = check_photos(photos)
    now = timezone.now()
    report = Report(
        category=category,
        description=description,
        unit=unit,
        routed_by=routed_by,
        latitude=latitude,
        longitude=longitude,
        address=address,
        contact_name=contact.name,
        contact_phone=contact.phone,
        contact_email=contact.email,
        reporter_user=actor if isinstance(actor, User) and actor.is_authenticated else None,
        is_public=is_public,
        channel=channel,
        open311_key=open311_key,
        pickup_due_at=pickup_due(unit=unit, category=category, at=now),
        rating_key=get_random_string(10, RATING_KEY_CHARS),
        submission_key=submission_key,
        submission_sender=sender if submission_key else "",
        created_at=now,
    )
    report.code = allocate_code(unit=unit, day=timezone.localdate(now))
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        existing = _sent_before(sender, submission_key, rating_key) if submission_key else None
        if existing is None:
            raise
        return existing
    for upload, mime, digest in checked:
        photo = ReportPhoto(
            report=report,
            file=upload,
            original_name=(upload.name or "photo")[:255],
            content_type=mime,
            size=upload.size or 0,
            sha256=digest,
        )
        save_tracked(photo, force_insert=True)
    record(
        report,
        action="submit",
        from_state="",
        actor=report.reporter_user,
        at=now,
        extra={"channel": channel, "photos": len(checked)},
    )
    if report.is_emergency:
        notices.tell_leaders(report, event="feedback-emergency", template="feedback_emergency")
    return report
