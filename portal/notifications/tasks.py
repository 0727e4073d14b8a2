"""Celery tasks of the notification outbox.

The task names stay `portal.tasks.*` (where they were defined until the kernel split): they are
strings in queued messages and in the beat schedule, so a rename would strand messages in flight.
"""

import logging
from typing import Any

from celery import Task, shared_task

from portal.notifications import services as notifications

logger = logging.getLogger(__name__)


@shared_task(
    name="portal.tasks.send_notification",
    bind=True,
    acks_late=True,
    max_retries=notifications.MAX_ATTEMPTS,
)
def send_notification(self: Task[Any, Any], notification_id: int) -> str:
    """Send one notice. Safe to run twice (the row is re-read under a lock and a sent notice is
    skipped); acknowledged only when done, so a killed worker's notice is redelivered."""
    outcome = notifications.deliver(notification_id)
    if outcome.status == "retry":
        raise self.retry(countdown=notifications.backoff(outcome.attempts))
    return outcome.status


@shared_task(name="portal.tasks.send_notifications", acks_late=True)
def send_notifications(notification_ids: list[int]) -> list[str]:
    """Send the few notices of one event (a citizen's SMS and e-mail) from one message: one
    publish per event, not one per notice (issue 10). Each is sent as `send_notification` sends
    it (re-read under a lock, a sent one skipped); one to try again, or that could not be tried,
    goes on alone as a `send_notification`, so the others never wait for it."""
    statuses = []
    for pk in notification_ids:
        try:
            outcome = notifications.deliver(pk)
        except Exception:
            logger.exception("notification %s: sent on alone after an error", pk)
            send_notification.delay(pk)
            statuses.append("requeued")
            continue
        if outcome.status == "retry":
            send_notification.apply_async((pk,), countdown=notifications.backoff(outcome.attempts))
        statuses.append(outcome.status)
    return statuses


@shared_task(name="portal.tasks.requeue_pending_notifications", acks_late=True)
def requeue_pending_notifications() -> int:
    return notifications.requeue_pending()
