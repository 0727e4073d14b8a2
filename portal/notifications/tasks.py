"""Celery tasks of the notification outbox.

The task names stay `portal.tasks.*` (where they were defined until the kernel split): they are
strings in queued messages and in the beat schedule, so a rename would strand messages in flight.
"""

from typing import Any

from celery import Task, shared_task

from portal.notifications import services as notifications


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


@shared_task(name="portal.tasks.requeue_pending_notifications", acks_late=True)
def requeue_pending_notifications() -> int:
    return notifications.requeue_pending()
