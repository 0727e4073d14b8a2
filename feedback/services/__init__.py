"""Writes on neighbourhood reports: one transaction each, the row locked, a history row each.

Pages, the portal API, Open311 and the Celery sweep all call these functions (import them from
here). Notices (to the ward leader, to the reporter) are written to the outbox inside the same
transaction and sent after commit (portal/notifications/services.py), each once.

- `creation`: a new report, its code and its checks;
- `actions`: the ward's steps (assign, start, resolve, reject) and the reporter's rating;
- `timers`: the pick-up target and the sweep that escalates reports nobody picked up;
- `history`: the report's side of the kernel's lock / move / record skeleton.
"""

from feedback.services.actions import (
    ACTION_SERVICES,
    report_assign,
    report_rate,
    report_reject,
    report_resolve,
    report_route,
    report_start,
)
from feedback.services.creation import (
    ANONYMOUS_SENDER,
    MAX_DESCRIPTION,
    MAX_PHOTOS,
    PHOTO_TYPES,
    RATING_KEY_CHARS,
    Contact,
    allocate_code,
    check_photos,
    report_create,
    submission_sender,
)
from feedback.services.timers import (
    ESCALATION_BATCH,
    emergency_minutes,
    escalate_unattended,
    pickup_due,
    pickup_hours,
)

__all__ = [
    "ACTION_SERVICES",
    "ANONYMOUS_SENDER",
    "ESCALATION_BATCH",
    "MAX_DESCRIPTION",
    "MAX_PHOTOS",
    "PHOTO_TYPES",
    "RATING_KEY_CHARS",
    "Contact",
    "allocate_code",
    "check_photos",
    "emergency_minutes",
    "escalate_unattended",
    "pickup_due",
    "pickup_hours",
    "report_assign",
    "report_create",
    "report_rate",
    "report_reject",
    "report_resolve",
    "report_route",
    "report_start",
    "submission_sender",
]
