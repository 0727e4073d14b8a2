"""Notifications: an outbox written with the event, sent after commit, never twice.

`notify()` writes one `Notification` row in the caller's transaction; its `dedupe_key` is unique,
so the same event told to the same person on the same channel is stored once however often the
code that tells it runs. E-mail and SMS rows are queued with `transaction.on_commit`, so a
rolled-back event sends nothing; in-app rows are delivered by being stored (staff read them on
the desk through `unread_for`). `deliver()` is the body of the Celery task: it re-reads the row
under a lock, skips what was sent, and records every attempt.

The SMS gateways live in `gateways.py`, the notices' text (language, templates) in `messages.py`;
both are re-exported here.
"""

import logging
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from portal.notifications.bulk import insert_many

# Re-exported: callers import the gateways and the messages from here.
from portal.notifications.gateways import (
    SMS_BACKENDS,
    FileSmsGateway,
    HttpSmsGateway,
    Sms,
    SmsError,
    sms_gateway,
)
from portal.notifications.messages import LANGUAGES, language_of, render
from portal.notifications.models import Notification

__all__ = [
    "LANGUAGES",
    "SMS_BACKENDS",
    "FileSmsGateway",
    "HttpSmsGateway",
    "Notice",
    "Outcome",
    "Sms",
    "SmsError",
    "backoff",
    "deliver",
    "language_of",
    "latest_retry_seconds",
    "notices_mark_read",
    "notify",
    "notify_each",
    "notify_many",
    "render",
    "requeue_pending",
    "sms_gateway",
    "unread_for",
]

logger = logging.getLogger(__name__)

QUEUED_CHANNELS = (Notification.Channel.EMAIL, Notification.Channel.SMS)
MAX_ATTEMPTS = 8
# Back-off: 30 s, 1 min, 2 min, ... capped well below the broker's visibility timeout (1 h), so
# a retry waiting for its countdown is never redelivered as if its worker had died.
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 30 * 60


# --- Writing the outbox ----------------------------------------------------------------------


@dataclass
class Notice:
    """One notice to write: who, how, what, and the key of the event it tells about."""

    channel: str
    template: str
    dedupe_key: str
    context: dict[str, Any] = field(default_factory=dict)
    recipient: Any = None
    address: str = ""
    phone: str = ""
    language: str = "vi"
    dossier_id: int | None = None

    def deliverable(self) -> bool:
        if self.channel == Notification.Channel.EMAIL:
            return bool(self.address)
        if self.channel == Notification.Channel.SMS:
            return bool(self.phone)
        return self.recipient is not None

    def row(self, now: datetime | None) -> Notification:
        inapp = self.channel == Notification.Channel.INAPP
        return Notification(
            recipient=self.recipient,
            recipient_address=self.address,
            recipient_phone=self.phone,
            channel=self.channel,
            template=self.template,
            context=self.context,
            language=self.language,
            dossier_id=self.dossier_id,
            dedupe_key=self.dedupe_key[:200],
            # An in-app notice is delivered by being stored.
            status=Notification.Status.SENT if inapp else Notification.Status.PENDING,
            sent_at=now if inapp else None,
        )


def _queue_after_commit(ids: Iterable[int], *, together: bool = False) -> None:
    """Each notice its own task; `together`, the few notices of one event in one task (one
    publish to the broker instead of one per notice; issue 10)."""
    from portal.notifications.tasks import send_notification, send_notifications

    ids = list(ids)
    if not ids:
        return

    def queue() -> None:
        if together and len(ids) > 1:
            send_notifications.delay(ids)
            return
        for pk in ids:
            send_notification.delay(pk)

    # robust: a broker outage at commit must not fail the citizen's request; the row stays
    # pending and `requeue_pending_notifications` sends it later.
    transaction.on_commit(queue, robust=True)


def notify(
    *,
    channel: str,
    template: str,
    dedupe_key: str,
    context: dict[str, Any] | None = None,
    recipient: Any = None,
    address: str = "",
    phone: str = "",
    language: str = "vi",
    dossier: Any = None,
) -> Notification | None:
    """Write one notice in the caller's transaction and queue it after commit.

    Returns None when there is nobody to reach on this channel, or when this event was already
    told (same `dedupe_key`): nobody is told twice.
    """
    notice = Notice(
        channel=channel,
        template=template,
        dedupe_key=dedupe_key,
        context=context or {},
        recipient=recipient,
        address=address,
        phone=phone,
        language=language,
        dossier_id=getattr(dossier, "pk", dossier),
    )
    if not notice.deliverable():
        return None
    row = _store_one(notice, timezone.now())
    if row is not None and row.channel in QUEUED_CHANNELS:
        _queue_after_commit([row.pk])
    return row


def _store_one(notice: Notice, now: datetime) -> Notification | None:
    row = notice.row(now)
    try:
        with transaction.atomic():  # a savepoint: a duplicate must not spoil the caller's work
            row.save()
    except IntegrityError:
        return None
    return row


def notify_each(notices: Iterable[Notice]) -> list[int]:
    """`notify` for the several notices of one event (a citizen's SMS and e-mail) in one
    statement: the ids of the rows stored now (an event already told is skipped, nobody is told
    twice); e-mail and SMS queued after commit."""
    wanted = [n for n in notices if n.deliverable()]
    if not wanted:
        return []
    now = timezone.now()
    if connection.vendor != "postgresql":
        stored = [row for n in wanted if (row := _store_one(n, now)) is not None]
        _queue_after_commit(r.pk for r in stored if r.channel in QUEUED_CHANNELS)
        return [r.pk for r in stored]
    stored_ids = insert_many(wanted, now)
    _queue_after_commit(
        (pk for pk, channel in stored_ids if channel in QUEUED_CHANNELS), together=True
    )
    return [pk for pk, _channel in stored_ids]


def notify_many(notices: Iterable[Notice]) -> int:
    """Write many notices in one statement (the sweeps); duplicates of earlier runs are dropped by
    the unique key. Returns how many notices the batch asked for (new or already there)."""
    now = timezone.now()
    wanted = [n for n in notices if n.deliverable()]
    if not wanted:
        return 0
    if connection.vendor == "postgresql":
        insert_many(wanted, now)
    else:
        rows = [n.row(now) for n in wanted]
        Notification.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    queued_keys = [n.dedupe_key[:200] for n in wanted if n.channel in QUEUED_CHANNELS]
    if queued_keys:
        _queue_after_commit(
            Notification.objects.filter(
                dedupe_key__in=queued_keys, status=Notification.Status.PENDING
            ).values_list("pk", flat=True)
        )
    return len(wanted)


# --- Sending ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status: str  # "sent", "skipped", "retry", "failed"
    attempts: int = 0
    error: str = ""


def backoff(attempts: int) -> int:
    """Seconds before the next try after `attempts` failed ones, with a little jitter."""
    seconds: int = min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)
    return seconds + random.randint(0, max(seconds // 10, 1))  # noqa: S311 - jitter only


def _send(notification: Notification) -> None:
    subject, body = render(notification)
    if notification.channel == Notification.Channel.EMAIL:
        send_mail(
            subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [notification.recipient_address],
            fail_silently=False,
        )
    elif notification.channel == Notification.Channel.SMS:
        sms_gateway().send(
            Sms(to=notification.recipient_phone, text=body, reference=notification.dedupe_key)
        )


def deliver(notification_id: int) -> Outcome:
    """Send one notice at most once.

    The row stays locked while the gateway is called: a second copy of the task (redelivered by
    the broker, or queued again by the requeue sweep) waits for the lock, then finds the notice
    sent and skips it. A worker killed mid-send loses its connection, the transaction rolls back
    and the broker redelivers the unacknowledged task (acks late) to another worker.
    """
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.status != Notification.Status.PENDING:
            return Outcome("skipped")
        notification.attempts += 1
        try:
            _send(notification)
        except Exception as exc:  # any failure of a gateway or the mail server: try again
            notification.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            final = notification.attempts >= MAX_ATTEMPTS
            notification.status = (
                Notification.Status.FAILED if final else Notification.Status.PENDING
            )
            notification.save(update_fields=["attempts", "last_error", "status", "updated_at"])
            logger.warning(
                "notification %s attempt %s failed: %s",
                notification.pk,
                notification.attempts,
                type(exc).__name__,
            )
            return Outcome(
                "failed" if final else "retry", notification.attempts, notification.last_error
            )
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
        notification.save(
            update_fields=["attempts", "last_error", "status", "sent_at", "updated_at"]
        )
        return Outcome("sent", notification.attempts)


def latest_retry_seconds(attempts: int) -> int:
    """The longest `backoff(attempts)` can be, jitter included: a notice that failed this often
    and stayed untouched longer than this lost its retry."""
    if attempts <= 0:
        return 0
    seconds: int = min(BACKOFF_BASE_SECONDS * 2 ** (attempts - 1), BACKOFF_CAP_SECONDS)
    return seconds + max(seconds // 10, 1)


def _waiting_in_broker() -> int | None:
    """Messages waiting in the default queue, or None when the transport cannot say."""
    from celery import current_app as app

    try:
        with app.connection_for_write() as conn:
            queue = app.conf.task_default_queue or "celery"
            return conn.default_channel.queue_declare(queue=queue, passive=True).message_count  # type: ignore[attr-defined,no-any-return]
    except Exception:  # a transport without passive declare, or the broker down: do not guess
        return None


def requeue_pending(*, older_than_seconds: float | None = None, limit: int = 5000) -> int:
    """Queue again the e-mail and SMS notices left pending: the worker sending them was killed
    (its task is stuck unacknowledged in the broker until the visibility timeout, an hour), the
    queuing after commit failed (broker down), or a retry was lost. Runs every minute (beat), so
    after a worker crash the notice goes out within about two minutes (docs/adr/0005).

    Skipped: notices being sent right now (their row is locked by the sending worker), notices
    waiting for a retry's back-off, and the whole round while the broker still holds a backlog
    (those notices are queued, just not sent yet). A requeued notice's `updated_at` is set to
    now, so it is queued again at most once per `older_than_seconds`. A copy that turns out to
    be needless costs one locked read: `deliver` skips a notice already sent.
    """
    from portal.notifications.tasks import send_notification

    after = (
        settings.MOTCUA_REDELIVER_AFTER_SECONDS
        if older_than_seconds is None
        else older_than_seconds
    )
    now = timezone.now()
    waiting = _waiting_in_broker()
    if waiting is not None and waiting > settings.MOTCUA_REQUEUE_MAX_WAITING:
        logger.info("requeue: %s messages already wait in the broker, nothing requeued", waiting)
        return 0
    with transaction.atomic():
        candidates = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(
                status=Notification.Status.PENDING,
                channel__in=QUEUED_CHANNELS,
                updated_at__lt=now - timedelta(seconds=after),
            )
            .order_by("updated_at")
            .values_list("pk", "attempts", "updated_at")[:limit]
        )
        due = [
            pk
            for pk, attempts, updated_at in candidates
            if updated_at < now - timedelta(seconds=after + latest_retry_seconds(attempts))
        ]
        Notification.objects.filter(pk__in=due).update(updated_at=now)
    for pk in due:
        send_notification.delay(pk)
    if due:
        logger.info("requeue: %s pending notices queued again", len(due))
    return len(due)


# --- In-app notices for staff ----------------------------------------------------------------


def unread_for(user: Any) -> QuerySet[Notification]:
    """The user's own unread in-app notices, newest first (the desk's notice list)."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(
        recipient=user, channel=Notification.Channel.INAPP, read_at__isnull=True
    ).order_by("-created_at", "-id")


def notices_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's in-app notices read (all of them when `ids` is None); others' untouched."""
    notices = unread_for(user)
    if ids is not None:
        notices = notices.filter(pk__in=list(ids))
    return notices.update(read_at=timezone.now())
