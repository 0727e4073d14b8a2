"""Timers of dossiers, run by Celery beat (schedule in portal/settings/background.py). Celery's
autodiscovery imports this package, which imports every task module; each task keeps its explicit
name `applications.tasks.<name>`."""

from applications.tasks.digests import (
    digest_context,
    leader_digest,
    send_digests,
)
from applications.tasks.reminders import (
    Reminder,
    due_soon,
    likely_late,
    remind,
    remind_due_soon,
    report_stale_supplements,
    stale_supplements,
)
from applications.tasks.sweeps import (
    flag_overdue_sweep,
    sweep_overdue,
)

__all__ = [
    "Reminder",
    "digest_context",
    "due_soon",
    "flag_overdue_sweep",
    "leader_digest",
    "likely_late",
    "remind",
    "remind_due_soon",
    "report_stale_supplements",
    "send_digests",
    "stale_supplements",
    "sweep_overdue",
]
