"""The requeue sweep: notices left pending (a worker killed mid-send, a failed queuing, a lost
retry) are queued again within about two minutes, once per round, never while being sent."""

import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connections, transaction
from django.utils import timezone

from portal.notifications import services as notifications
from portal.notifications.models import Notification
from portal.notifications.services import latest_retry_seconds, requeue_pending

AFTER = 60


def pending_sms(key: str, *, untouched_for: float, attempts: int = 0) -> Notification:
    notice = Notification.objects.create(
        channel="sms",
        template="dossier_received",
        dedupe_key=key,
        recipient_phone="0905123456",
        context={"code": "19774-260310-0001", "due": "", "unit_vi": "Kim Long"},
        attempts=attempts,
    )
    Notification.objects.filter(pk=notice.pk).update(
        updated_at=timezone.now() - timedelta(seconds=untouched_for)
    )
    return notice


@pytest.fixture
def queued():
    with (
        mock.patch("portal.notifications.tasks.send_notification.delay") as delay,
        mock.patch.object(notifications, "_waiting_in_broker", return_value=0),
    ):
        yield delay


def queued_ids(delay) -> list[int]:
    return [call.args[0] for call in delay.call_args_list]


def test_a_notice_left_pending_past_the_delay_is_queued_again_once_per_round(db, queued):
    stuck = pending_sms("stuck", untouched_for=AFTER + 5)
    fresh = pending_sms("fresh", untouched_for=AFTER - 20)
    assert requeue_pending(older_than_seconds=AFTER) == 1
    assert queued_ids(queued) == [stuck.pk]
    # The next round, a minute later at most, does not queue it again while it is fresh.
    assert requeue_pending(older_than_seconds=AFTER) == 0
    assert fresh.pk not in queued_ids(queued)


def test_the_redelivery_delay_defaults_to_a_minute(db, queued, settings):
    assert settings.MOTCUA_REDELIVER_AFTER_SECONDS == 60
    assert settings.CELERY_BEAT_SCHEDULE["requeue-notifications"]["schedule"] == 60
    stuck = pending_sms("stuck", untouched_for=61)
    assert requeue_pending() == 1
    assert queued_ids(queued) == [stuck.pk]


def test_sent_failed_and_in_app_notices_are_never_requeued(db, queued):
    for key, status in (("sent", "sent"), ("failed", "failed")):
        notice = pending_sms(key, untouched_for=AFTER * 10)
        Notification.objects.filter(pk=notice.pk).update(status=status)
    inapp = pending_sms("inapp", untouched_for=AFTER * 10)
    Notification.objects.filter(pk=inapp.pk).update(channel="inapp")
    assert requeue_pending(older_than_seconds=AFTER) == 0
    assert not queued.called


def test_a_notice_waiting_for_its_retry_back_off_is_not_requeued(db, queued):
    waiting = latest_retry_seconds(3)  # third failure: about 2 minutes
    in_back_off = pending_sms("back-off", untouched_for=AFTER + waiting - 5, attempts=3)
    lost_retry = pending_sms("lost", untouched_for=AFTER + waiting + 5, attempts=3)
    assert requeue_pending(older_than_seconds=AFTER) == 1
    assert queued_ids(queued) == [lost_retry.pk]
    assert in_back_off.pk not in queued_ids(queued)


def test_nothing_is_requeued_while_the_broker_still_holds_a_backlog(db, settings):
    pending_sms("stuck", untouched_for=AFTER + 5)
    with (
        mock.patch("portal.notifications.tasks.send_notification.delay") as delay,
        mock.patch.object(
            notifications,
            "_waiting_in_broker",
            return_value=settings.MOTCUA_REQUEUE_MAX_WAITING + 1,
        ),
    ):
        assert requeue_pending(older_than_seconds=AFTER) == 0
    assert not delay.called


def test_a_notice_being_sent_right_now_is_not_requeued(transactional_db, queued):
    """A worker sending the notice holds its row locked: the sweep skips it, sends no copy."""
    notice = pending_sms("sending", untouched_for=AFTER + 5)
    locked, release = threading.Event(), threading.Event()

    def sending_worker():
        try:
            with transaction.atomic():
                Notification.objects.select_for_update().get(pk=notice.pk)
                locked.set()
                release.wait(20)
        finally:
            connections.close_all()

    worker = threading.Thread(target=sending_worker)
    worker.start()
    try:
        assert locked.wait(20)
        assert requeue_pending(older_than_seconds=AFTER) == 0
    finally:
        release.set()
        worker.join(20)
    assert requeue_pending(older_than_seconds=AFTER) == 1
    assert queued_ids(queued) == [notice.pk]
