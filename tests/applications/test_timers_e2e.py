"""End to end: a real Celery worker and beat on the local Redis and PostgreSQL.

The worker and beat run as subprocesses on the test database (committed data, hence
`transaction=True`), with a sweep every second instead of every minute. The test process queues
its notices to the same Redis instead of running them eagerly.
"""

import json
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from applications.models import Dossier, DossierEvent
from bench.processes import CeleryProcesses
from portal.celery import app as celery_app
from portal.notifications.models import Notification
from tests.applications.conftest import desk_payload

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

VISIBILITY_TIMEOUT = 5
WAIT = 60


def wait_for(predicate, what: str, timeout: float = WAIT, every: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"gave up after {timeout:.0f} s waiting for {what}")


class RealCelery(CeleryProcesses):
    def __init__(self, tmp_path: Path):
        self.tmp = tmp_path
        self.sms_file = tmp_path / "sms-outbox.jsonl"
        db = connection.settings_dict
        credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "DATABASE_URL": (
                f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
                f"/{db['NAME']}"
            ),
            "CELERY_BROKER_URL": os.environ["CELERY_BROKER_URL"],
            "CELERY_RESULT_BACKEND": os.environ.get(
                "CELERY_RESULT_BACKEND", os.environ["CELERY_BROKER_URL"]
            ),
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "MOTCUA_REAL_CELERY": "1",
            "MOTCUA_VAR_DIR": str(tmp_path),
            "MOTCUA_SWEEP_INTERVAL_SECONDS": "1",
            "SMS_BACKEND": "file",
            "SMS_FILE_PATH": str(self.sms_file),
            "MOTCUA_SMS_FILE_DELAY": "0",
        }
        super().__init__(tmp_path, self.env)

    def sms_lines(self, reference: str) -> list[dict]:
        if not self.sms_file.exists():
            return []
        lines = [json.loads(x) for x in self.sms_file.read_text(encoding="utf-8").splitlines()]
        return [x for x in lines if x["reference"] == reference]


@pytest.fixture
def real_celery(transactional_db, demo_transactional, tmp_path, monkeypatch):
    broker = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    # Leftovers of an earlier run on this broker database: its queue and unacknowledged tasks.
    broker.delete("celery", "unacked", "unacked_index", "unacked_mutex")
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    celery = RealCelery(tmp_path)
    try:
        yield celery
    finally:
        celery.stop_all()
        broker.delete("celery", "unacked", "unacked_index", "unacked_mutex")


def receive_at_desk(api, procedure, assignee=None) -> Dossier:
    client = api("clerk.kimlong")
    response = client.post("/api/v1/dossiers/", desk_payload(procedure), format="json")
    assert response.status_code == 201, response.json()
    code = response.json()["code"]
    if assignee:
        started = client.post(
            f"/api/v1/dossiers/{code}/start_review/", {"assignee": assignee}, format="json"
        )
        assert started.status_code == 200, started.json()
    return Dossier.objects.get(code=code)


def status_of(notice: Notification) -> str:
    return Notification.objects.get(pk=notice.pk).status


def test_a_real_worker_and_beat_flag_an_overdue_dossier_once_and_tell_its_handler(
    real_celery, api, procedure
):
    real_celery.start("worker", "e2e-worker")
    real_celery.start("beat", "e2e-beat")
    dossier = receive_at_desk(api, procedure, assignee="leader.kimlong")
    receipt_sms = Notification.objects.get(dossier=dossier, template="dossier_received")
    # The dossier's due moment passes.
    Dossier.objects.filter(pk=dossier.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    try:
        wait_for(
            lambda: Dossier.objects.filter(
                pk=dossier.pk, overdue_flagged_at__isnull=False
            ).exists(),
            "the sweep to flag the dossier",
        )
        wait_for(lambda: status_of(receipt_sms) == "sent", "the receipt SMS")
        time.sleep(4)  # several more sweeps run: none may flag or tell again
    except AssertionError:
        raise AssertionError(real_celery.logs()) from None
    assert DossierEvent.objects.filter(dossier=dossier, action="flag_overdue").count() == 1
    event = DossierEvent.objects.get(dossier=dossier, action="flag_overdue")
    assert event.actor_label == "system"
    [notice] = Notification.objects.filter(dossier=dossier, template="dossier_overdue")
    assert notice.recipient.username == "leader.kimlong"
    assert notice.channel == "inapp"
    assert len(real_celery.sms_lines(receipt_sms.dedupe_key)) == 1


def _locked_by_a_worker(notice: Notification) -> bool:
    try:
        with transaction.atomic():
            Notification.objects.select_for_update(nowait=True).filter(pk=notice.pk).exists()
    except DatabaseError:
        return True
    return False


def test_a_worker_killed_while_sending_leaves_the_notice_to_another_and_it_is_sent_once(
    real_celery, api, procedure
):
    dossier = receive_at_desk(api, procedure)
    sms = Notification.objects.get(dossier=dossier, template="dossier_received", channel="sms")
    slow = real_celery.start("worker", "e2e-slow", MOTCUA_SMS_FILE_DELAY="30")
    try:
        wait_for(lambda: _locked_by_a_worker(sms), "the slow worker to start sending")
        real_celery.kill(slow)  # kill -9, pool included, in the middle of the send
        assert status_of(sms) == "pending"
        assert real_celery.sms_lines(sms.dedupe_key) == []
        real_celery.start("worker", "e2e-second")
        wait_for(lambda: status_of(sms) == "sent", "the second worker to send the notice")
        time.sleep(VISIBILITY_TIMEOUT + 2)  # a late redelivery would show now
    except AssertionError:
        raise AssertionError(real_celery.logs()) from None
    sent = Notification.objects.get(pk=sms.pk)
    assert sent.status == "sent"
    assert sent.attempts == 1
    [line] = real_celery.sms_lines(sms.dedupe_key)
    assert line["to"] == "0905111222"
    assert dossier.code in line["text"]


def _unacked_sends(broker, notice: Notification) -> int:
    """How many `send_notification(notice)` tasks the broker holds unacknowledged."""
    count = 0
    for raw in broker.hvals("unacked"):
        headers = json.loads(raw)[0].get("headers", {})
        if (
            headers.get("task") == "portal.tasks.send_notification"
            and headers.get("argsrepr") == f"({notice.pk},)"
        ):
            count += 1
    return count


def test_after_a_worker_is_killed_mid_send_the_requeue_sweep_sends_the_notice_once_not_the_broker(
    real_celery, api, procedure
):
    """The broker keeps the killed worker's task for its visibility timeout (the production
    hour here): the notice goes out because beat's requeue sweep queued it again, once."""
    redelivery = {
        "CELERY_VISIBILITY_TIMEOUT": "3600",
        "MOTCUA_REQUEUE_INTERVAL_SECONDS": "1",
        "MOTCUA_REDELIVER_AFTER_SECONDS": "3",
    }
    broker = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    dossier = receive_at_desk(api, procedure)
    sms = Notification.objects.get(dossier=dossier, template="dossier_received", channel="sms")
    slow = real_celery.start("worker", "e2e-slow", MOTCUA_SMS_FILE_DELAY="30", **redelivery)
    real_celery.start("beat", "e2e-beat", **redelivery)
    try:
        wait_for(lambda: _locked_by_a_worker(sms), "the slow worker to start sending")
        time.sleep(4)  # several sweeps run while it sends: none may queue a copy of a locked row
        real_celery.kill(slow)  # kill -9, pool included, in the middle of the send
        assert status_of(sms) == "pending"
        assert _unacked_sends(broker, sms) == 1  # the broker holds the task for the next hour
        real_celery.start("worker", "e2e-second", **redelivery)
        wait_for(lambda: status_of(sms) == "sent", "the requeue sweep and the second worker")
        time.sleep(4)  # more sweeps: a sent notice is never queued again
    except AssertionError:
        raise AssertionError(real_celery.logs()) from None
    sent = Notification.objects.get(pk=sms.pk)
    assert sent.status == "sent"
    assert sent.attempts == 1
    assert len(real_celery.sms_lines(sms.dedupe_key)) == 1
    assert _unacked_sends(broker, sms) == 1  # still there: the broker did not redeliver it
    second_log = Path(real_celery.processes[-1].log_path).read_text()
    assert "requeue_pending_notifications" in second_log
