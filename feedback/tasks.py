"""The pick-up timer of neighbourhood reports, run by Celery beat every minute
(`feedback-escalate` in portal/settings/background.py).

No per-report countdown: the sweep is the timer (see applications/tasks/sweeps.py for why). It is
safe to run twice and twice at once (`services.escalate_unattended`)."""

import logging

from celery import shared_task

from feedback import services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def escalate_unattended() -> int:
    """Tell the ward leader about reports still `new` past their pick-up target, once each."""
    told = services.escalate_unattended()
    if told:
        logger.info("feedback: %s reports not picked up in time, leaders told", told)
    return told
