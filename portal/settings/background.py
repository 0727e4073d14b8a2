"""Settings: Celery and its beat schedule, the notification outbox (SMS) and e-mail."""

import os
from pathlib import Path

from celery.schedules import crontab

from portal.settings.core import TIME_ZONE, VAR_DIR

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
if CELERY_BROKER_URL:
    CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
    # Redis redelivers a task not acknowledged within this many seconds (acks late): the
    # backstop for a task whose worker was killed. Notices do not wait for it: the requeue sweep
    # sends them again within two minutes (docs/adr/0005). It stays long because a retry waiting
    # for its countdown (back-off up to 30 min) is held unacknowledged and would be redelivered,
    # and copied, every time it ran out.
    _visibility = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": _visibility,
        # Look for abandoned messages often enough for the timeout to mean what it says.
        "unacked_restore_interval": max(1, min(10, _visibility // 6)),
        "unacked_restore_throttle": 1 if _visibility < 600 else 10,
    }
else:
    # kombu's filesystem transport: worker, beat and web exchange messages through files under
    # var/celery, so all three really run on a laptop with no server at all.
    _celery_dir = VAR_DIR / "celery"
    for _sub in ("queue", "processed", "results", "control"):
        (_celery_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        # Broadcast and control messages (celery inspect, remote control) go here too, not
        # into a "control" folder wherever the process happens to start.
        "control_folder": str(_celery_dir / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = os.environ.get(
        "CELERY_RESULT_BACKEND", f"file://{_celery_dir / 'results'}"
    )
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_IGNORE_RESULT = True

# The timers, declared here and listed read-only at /admin/timers/. The sweep is the timer: no
# per-dossier countdown or ETA task (Redis would redeliver long countdowns again and again).
# MOTCUA_SWEEP_INTERVAL_SECONDS exists for the end-to-end test, which cannot wait a minute.
MOTCUA_SWEEP_INTERVAL_SECONDS = float(os.environ.get("MOTCUA_SWEEP_INTERVAL_SECONDS", "60"))
# Redelivery of notices after a worker crash (docs/adr/0005-redelivery-after-crash.md): every
# MOTCUA_REQUEUE_INTERVAL_SECONDS, e-mail and SMS notices still pending and untouched for
# MOTCUA_REDELIVER_AFTER_SECONDS (and not waiting for a retry) are queued again, unless more
# than MOTCUA_REQUEUE_MAX_WAITING messages already wait in the broker.
MOTCUA_REQUEUE_INTERVAL_SECONDS = float(os.environ.get("MOTCUA_REQUEUE_INTERVAL_SECONDS", "60"))
MOTCUA_REDELIVER_AFTER_SECONDS = float(os.environ.get("MOTCUA_REDELIVER_AFTER_SECONDS", "60"))
MOTCUA_REQUEUE_MAX_WAITING = int(os.environ.get("MOTCUA_REQUEUE_MAX_WAITING", "1000"))
CELERY_BEAT_SCHEDULE = {
    "flag-overdue": {
        "task": "applications.tasks.flag_overdue_sweep",
        "schedule": MOTCUA_SWEEP_INTERVAL_SECONDS,
        # A sweep queued while no worker ran is worthless once the next one is due.
        "options": {"expires": MOTCUA_SWEEP_INTERVAL_SECONDS},
    },
    "remind-due-soon": {
        "task": "applications.tasks.remind_due_soon",
        "schedule": 15 * 60.0,
        "options": {"expires": 15 * 60.0},
    },
    # Every day at 07:00 (CELERY_TIMEZONE); the task itself skips days off and runs on the
    # government's make-up working Saturdays, which a Monday-to-Friday crontab would miss.
    "leader-digest": {
        "task": "applications.tasks.leader_digest",
        "schedule": crontab(hour=7, minute=0),
        "options": {"expires": 6 * 3600.0},
    },
    # A notice left pending (its worker killed mid-send, its queuing failed with the broker
    # down, a retry lost) is queued again by this sweep: sent within about two minutes of a
    # crash, not after the visibility timeout (docs/adr/0005-redelivery-after-crash.md).
    "requeue-notifications": {
        "task": "portal.tasks.requeue_pending_notifications",
        "schedule": MOTCUA_REQUEUE_INTERVAL_SECONDS,
        "options": {"expires": MOTCUA_REQUEUE_INTERVAL_SECONDS},
    },
    # Neighbourhood reports still `new` past their pick-up target (2 working hours, 15 minutes
    # for a fire): the ward leader is told, once.
    "feedback-escalate": {
        "task": "feedback.tasks.escalate_unattended",
        "schedule": MOTCUA_SWEEP_INTERVAL_SECONDS,
        "options": {"expires": MOTCUA_SWEEP_INTERVAL_SECONDS},
    },
}

# --- Notifications (outbox, sent by Celery) -------------------------------------------------
# SMS: "file" writes JSON lines to SMS_FILE_PATH (development, tests); "http" posts to the
# gateway at SMS_GATEWAY_URL with SMS_GATEWAY_TOKEN (production).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "file")
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
SMS_GATEWAY_TIMEOUT = float(os.environ.get("SMS_GATEWAY_TIMEOUT", "10"))
SMS_FILE_PATH = Path(os.environ.get("SMS_FILE_PATH", VAR_DIR / "sms-outbox.jsonl"))
# Test-only: the file gateway waits this long before writing (a slow gateway, to kill a worker
# in the middle of a send).
SMS_FILE_DELAY_SECONDS = float(os.environ.get("MOTCUA_SMS_FILE_DELAY", "0"))
# No statute in LEGAL.md fixes how long a citizen has to answer a supplement request: a request
# without its own deadline is reported to the leader after this many working days.
MOTCUA_SUPPLEMENT_LIMIT_WORKING_DAYS = int(os.environ.get("MOTCUA_SUPPLEMENT_LIMIT_DAYS", "15"))

# --- E-mail ---------------------------------------------------------------------------------
# By default each e-mail is a file under var/mail/ (Django's file backend), never the console:
# the worker's log would otherwise hold every address and notice it sends (issue 8). Production
# sets EMAIL_BACKEND to SMTP.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "MotCua <no-reply@motcua.local>")
