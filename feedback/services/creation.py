"""Writes on neighbourhood reports: one transaction each, the row locked, a history row each.

Pages, the portal API, Open311 and the Celery sweep all call these functions. Notices (to the
ward leader, to the reporter) are written to the outbox inside the same transaction and sent
after commit (portal/notifications/services.py), each once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, get_random_string, salted_hmac
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from feedback import access, notices
from feedback.errors import DuplicateSubmission, InvalidReport, InvalidTransition, RatingRefused
from feedback.models import (
    HUE_BBOX,
    Category,
    Channel,
    Open311Key,
    Report,
    ReportEvent,
    ReportPhoto,
    State,
)
from portal.accounts.models import Role
from portal.core.errors import BadAttachment, PermissionDenied
from portal.core.locks import xact_lock
from portal.core.sequences import REPORT_CODE, next_number
from portal.core.uploads import check_upload, discarding_orphans, save_tracked
from procedures.models import Unit
from procedures.services import working_calendar

MAX_PHOTOS = 3
PHOTO_TYPES = ("image/jpeg", "image/png")
MAX_DESCRIPTION = 4000
RATING_KEY_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


def pickup_hours() -> Decimal:
    """Working hours a ward has to pick up an ordinary report (Hue-S: the same day)."""
    return Decimal(str(getattr(settings, "MOTCUA_FEEDBACK_PICKUP_WORKING_HOURS", 2)))


def emergency_minutes() -> int:
    """Minutes for an emergency, on the clock (a fire does not wait for office hours)."""
    return int(getattr(settings, "MOTCUA_FEEDBACK_EMERGENCY_MINUTES", 15))


def pickup_due(*, unit: Unit, category: str, at: datetime) -> datetime:
    if category == Category.FIRE:
        return at + timedelta(minutes=emergency_minutes())
    return working_calendar(unit).add_working_hours(at, pickup_hours())


@dataclass(frozen=True)
class Contact:
    """Optional; personal data shown to the ward's staff only."""

    name: str = ""
    phone: str = ""
    email: str = ""


def _actor_label(actor) -> str:
    return actor.display_name if actor is not None else "system"


def _record(report: Report, *, action: str, from_state: str, actor, note="", extra=None, at=None):
    return ReportEvent.objects.create(
        report=report,
        action=action,
        from_state=from_state,
        to_state=report.state,
        actor=actor,
        actor_label=_actor_label(actor),
        at=at or timezone.now(),
        note=note,
        extra=extra or {},
    )


def _lock(report: Report) -> Report:
    # Only the report's row: two reports of one ward are handled side by side.
    return Report.objects.select_for_update(of=("self",)).select_related("unit").get(pk=report.pk)


def _save(report: Report, fields: list[str]) -> None:
    report.version += 1
    report.save(update_fields=[*fields, "state", "version", "updated_at"])


def _transition(report: Report, action: str, actor) -> str:
    """Check the role and the state, then move; returns the state before."""
    if actor is not None and not access.may(actor, action, report):
        raise PermissionDenied(_("You may not do this on this report."))
    method = getattr(report, action)
    if not can_proceed(method):
        raise InvalidTransition(
            _("“%(action)s” is not allowed while the report is “%(state)s”.")
            % {"action": action, "state": report.get_state_display()},
            extra={"state": report.state},
        )
    before = report.state
    method()
    return before


def _require(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidReport(message)
    return value


# --- Codes -----------------------------------------------------------------------------------


def allocate_code(*, unit: Unit, day) -> str:
    """`PA-<unit code>-<yymmdd>-<sequence>`: the counter row is locked inside the caller's
    transaction, so a rolled-back report gives its number back and no two get the same one."""
    return f"PA-{unit.code}-{day:%y%m%d}-{next_number(REPORT_CODE, unit_id=unit.pk, day=day):04d}"


# --- Creation --------------------------------------------------------------------------------


def check_photos(photos) -> list[tuple[object, str, str]]:
    """(upload, content type, sha256) of each photo; BadAttachment naming the first bad one.

    Checked before anything is written, so a bad photo leaves no half-made report."""
    photos = [p for p in (photos or []) if p]
    if len(photos) > MAX_PHOTOS:
        raise BadAttachment(_("At most %(n)s photos.") % {"n": MAX_PHOTOS})
    checked = []
    for upload in photos:
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


def _check_place(latitude, longitude, address: str) -> None:
    if (latitude is None) != (longitude is None):
        raise InvalidReport(_("Give both the latitude and the longitude, or neither."))
    if latitude is None and not address.strip():
        raise InvalidReport(
            _("Say where it is: an address or landmark, or the point's coordinates."),
            code="location_required",
        )
    if latitude is not None and not (
        HUE_BBOX["south"] <= latitude <= HUE_BBOX["north"]
        and HUE_BBOX["west"] <= longitude <= HUE_BBOX["east"]
    ):
        raise InvalidReport(_("The point is outside Huế."), code="outside_area")


ANONYMOUS_SENDER = "anonymous"


def submission_sender(*, actor=None, client_secret: str = "") -> str:
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
    if constant_time_compare((rating_key or "").strip().upper(), existing.rating_key):
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
    unit: Unit,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    address: str = "",
    contact: Contact | None = None,
    actor=None,
    channel: str = Channel.WEB,
    photos=None,
    is_public: bool = True,
    submission_key: str = "",
    client_secret: str = "",
    rating_key: str = "",
    open311_key: Open311Key | None = None,
) -> Report:
    """A new report, routed to `unit` (the ward the reporter chose: no polygons to match the
    point against). Emergencies tell the ward leader at once.

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
    if unit is None or not unit.is_commune_level:
        raise InvalidReport(_("Choose the ward or commune where it is."), code="unit_required")
    description = _require(description, _("Describe what you saw."))
    if len(description) > MAX_DESCRIPTION:
        raise InvalidReport(_("The description is too long."))
    address = (address or "").strip()[:300]
    _check_place(latitude, longitude, address)
    contact = _check_contact(contact or Contact())
    checked = check_photos(photos)
    now = timezone.now()
    report = Report(
        category=category,
        description=description,
        unit=unit,
        latitude=latitude,
        longitude=longitude,
        address=address,
        contact_name=contact.name,
        contact_phone=contact.phone,
        contact_email=contact.email,
        reporter_user=actor if getattr(actor, "is_authenticated", False) else None,
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
            size=upload.size,
            sha256=digest,
        )
        save_tracked(photo, force_insert=True)
    _record(
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


# --- Actions ---------------------------------------------------------------------------------


def _ward_staff(report: Report, user) -> bool:
    return user.staff_roles.filter(
        unit=report.unit_id, role__in=[Role.CLERK, Role.SPECIALIST, Role.LEADER]
    ).exists()


@transaction.atomic
def report_assign(*, report: Report, actor, assignee, note: str = "") -> Report:
    """Hand the report to a member of the ward's staff (again, to hand it to someone else)."""
    report = _lock(report)
    if assignee is None or not _ward_staff(report, assignee):
        raise InvalidReport(_("The assignee must be a member of the ward's staff."))
    before = _transition(report, "assign", actor)
    report.assignee = assignee
    fields = ["assignee"]
    if report.assigned_at is None:
        report.assigned_at = timezone.now()
        fields.append("assigned_at")
    _save(report, fields)
    _record(
        report,
        action="assign",
        from_state=before,
        actor=actor,
        note=note.strip(),
        extra={"assignee": assignee.username},
    )
    return report


@transaction.atomic
def report_start(*, report: Report, actor, note: str = "") -> Report:
    report = _lock(report)
    before = _transition(report, "start", actor)
    _save(report, [])
    _record(report, action="start", from_state=before, actor=actor, note=note.strip())
    return report


@transaction.atomic
def report_resolve(*, report: Report, actor, answer: str) -> Report:
    """Handled: the answer (what was done) is public and told to the reporter."""
    answer = _require(answer, _("Say what was done: the reporter reads it."))
    report = _lock(report)
    before = _transition(report, "resolve", actor)
    return _close(report, before, actor, answer, "resolve")


@transaction.atomic
def report_reject(*, report: Report, actor, reason: str) -> Report:
    """Not handled, with the reason (public and told to the reporter)."""
    reason = _require(reason, _("Give the reason for the rejection."))
    report = _lock(report)
    before = _transition(report, "reject", actor)
    return _close(report, before, actor, reason, "reject")


def _close(report: Report, before: str, actor, text: str, action: str) -> Report:
    report.answer = text
    report.resolved_at = timezone.now()
    _save(report, ["answer", "resolved_at"])
    _record(report, action=action, from_state=before, actor=actor, note=text)
    notices.tell_reporter(report)
    return report


ACTION_SERVICES = {
    "assign": report_assign,
    "start": report_start,
    "resolve": report_resolve,
    "reject": report_reject,
}


@transaction.atomic
def report_rate(*, report: Report, score: int, key: str = "", actor=None, comment="") -> Report:
    """The reporter rates the answer once, 1 to 5, after it is resolved or rejected.

    The reporter proves it is them by the key given at submission (or by being the signed-in
    user who reported it): the tracking code alone is public and guessable."""
    report = _lock(report)
    own = actor is not None and actor.is_authenticated and report.reporter_user_id == actor.pk
    if not own and not constant_time_compare((key or "").strip().upper(), report.rating_key):
        raise PermissionDenied(_("The rating key does not match this report."))
    if report.state not in (State.RESOLVED, State.REJECTED):
        raise RatingRefused(_("You can rate the answer once the report is closed."))
    if report.rating is not None:
        raise RatingRefused(_("This report was already rated."), code="already_rated")
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidReport(_("Give a rating from 1 to 5."))
    report.rating = score
    report.rating_comment = (comment or "").strip()[:500]
    report.rated_at = timezone.now()
    report.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    _record(
        report,
        action="rate",
        from_state=report.state,
        actor=actor if own else None,
        extra={"rating": score},
    )
    return report


# --- The pick-up timer -----------------------------------------------------------------------

ESCALATION_BATCH = 500


def escalate_unattended(*, now: datetime | None = None) -> int:
    """Tell the ward leader about every report still `new` past its pick-up target, once.

    Safe to run twice and twice at once: each batch locks the rows it will mark (skipping rows
    another sweep holds) and marks them; the notices carry unique event keys."""
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            batch = list(
                Report.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("unit")
                .filter(state=State.NEW, pickup_due_at__lt=now, escalated_at__isnull=True)
                .order_by("pickup_due_at")[:ESCALATION_BATCH]
            )
            for report in batch:
                report.escalated_at = now
                report.save(update_fields=["escalated_at", "updated_at"])
                _record(
                    report,
                    action="escalate",
                    from_state=report.state,
                    actor=None,
                    at=now,
                    extra={"pickup_due_at": report.pickup_due_at.isoformat()},
                )
                notices.tell_leaders(report, event="feedback-escalated", template="feedback_late")
        total += len(batch)
        if len(batch) < ESCALATION_BATCH:
            return total
