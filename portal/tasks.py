"""Celery tasks of the portal: sending the notification outbox."""

from celery import shared_task

from portal import notifications


@shared_task(bind=True, acks_late=True, max_retries=notifications.MAX_ATTEMPTS)
def send_notification(self, notification_id: int) -> str:
    """Send one notice. Safe to run twice (the row is re-read under a lock and a sent notice is
    skipped); acknowledged only when done, so a killed worker's notice is redelivered."""
    outcome = notifications.deliver(notification_id)
    if outcome.status == "retry":
        raise self.retry(countdown=notifications.backoff(outcome.attempts))
    return outcome.status


@shared_task(acks_late=True)
def requeue_pending_notifications() -> int:
    return notifications.requeue_pending()
