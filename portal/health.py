"""What `/healthz` checks: the database, the Celery broker and (deep) a Celery worker.

Each check answers "ok" or "down" within a couple of seconds, never hangs: a load balancer or
a container health check calls it every few seconds, and a probe that waits on a dead broker
is itself an outage.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.utils import DatabaseError

logger = logging.getLogger(__name__)

OK = "ok"
DOWN = "down"


def database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("healthz: the database does not answer: %s", type(exc).__name__)
        return DOWN
    return OK


def _filesystem_folders(options: dict) -> list[Path]:
    keys = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")
    return [Path(options[key]) for key in keys if options.get(key)]


def broker() -> str:
    """The broker accepts a connection. On the embedded default (kombu's filesystem transport)
    there is nothing to connect to: its folders must exist and be writable."""
    from portal.celery import app

    url = app.conf.broker_url or ""
    options = dict(app.conf.broker_transport_options or {})
    if url.startswith("filesystem"):
        folders = _filesystem_folders(options)
        bad = [f for f in folders if not (f.is_dir() and os.access(f, os.W_OK | os.X_OK))]
        if not folders or bad:
            logger.warning("healthz: broker folders missing or read-only: %s", bad or "none set")
            return DOWN
        return OK
    timeout = settings.MOTCUA_HEALTHZ_TIMEOUT_SECONDS
    options.update(socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        with app.connection_for_write(transport_options=options, connect_timeout=timeout) as conn:
            conn.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, interval_max=0, timeout=timeout
            )
    except Exception as exc:  # any transport's connection error: the broker is down for us
        logger.warning("healthz: the broker does not answer: %s", type(exc).__name__)
        return DOWN
    return OK


def worker() -> str:
    """At least one Celery worker answers a ping within the timeout."""
    from portal.celery import app

    timeout = settings.MOTCUA_HEALTHZ_TIMEOUT_SECONDS
    try:
        replies = app.control.ping(timeout=timeout)
    except Exception as exc:
        logger.warning("healthz: worker ping failed: %s", type(exc).__name__)
        return DOWN
    if any("ok" in reply for answer in replies for reply in answer.values()):
        return OK
    logger.warning("healthz: no Celery worker answered within %s s", timeout)
    return DOWN


def report(*, deep: bool = False) -> tuple[dict, bool]:
    """The JSON body and whether everything checked is up."""
    body = {"database": database(), "broker": broker()}
    if deep:
        # No broker, no ping: answering "down" at once beats waiting for a timeout.
        body["worker"] = worker() if body["broker"] == OK else DOWN
    healthy = all(value == OK for value in body.values())
    body["status"] = OK if healthy else "unavailable"
    return body, healthy
