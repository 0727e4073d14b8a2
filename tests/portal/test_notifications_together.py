"""Issue 10: the few notices of one event (a citizen's SMS and e-mail) leave in one task, one
publish to the broker instead of one per notice, and are still sent once each; a notice that
must be tried again goes on alone."""

import json
from unittest import mock

import pytest
from django.core import mail

from portal.notifications import services as notifications
from portal.notifications.models import Notification
from portal.notifications.services import Notice, SmsError, notify_each
from portal.notifications.tasks import send_notifications

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def sms_file(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms.jsonl"
    settings.SMS_FILE_DELAY_SECONDS = 0
    return settings.SMS_FILE_PATH


def _sms_lines(path):
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _event(key="received:7"):
    context = {"code": "19774-260310-0001", "due": "09:00 17/03/2026", "unit_vi": "Kim Long"}
    return notify_each(
        Notice(channel=channel, template="dossier_received", dedupe_key=f"{key}:{channel}",
               context=context, **target)
        for channel, target in (("sms", {"phone": "0905123456"}), ("email", {"address": "a@b.vn"}))
    )  # fmt: skip


def test_one_events_notices_leave_in_one_task_and_each_is_sent_once(
    sms_file, django_capture_on_commit_callbacks
):
    with (
        mock.patch("portal.notifications.tasks.send_notifications.delay") as together,
        django_capture_on_commit_callbacks(execute=True),
    ):
        ids = _event()
    assert together.call_count == 1
    assert sorted(together.call_args.args[0]) == sorted(ids)
    assert send_notifications(ids) == ["sent", "sent"]
    # Delivered twice (broker redelivery, the requeue sweep): nothing is sent the second time.
    assert send_notifications(ids) == ["skipped", "skipped"]
    assert len(_sms_lines(sms_file)) == 1
    assert len(mail.outbox) == 1
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_a_notice_to_try_again_goes_on_alone_and_the_other_is_sent(
    sms_file, django_capture_on_commit_callbacks, monkeypatch
):
    with (
        mock.patch("portal.notifications.tasks.send_notifications.delay"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        ids = _event("received:8")

    class Down:
        def send(self, sms):
            raise SmsError("gateway down")

    monkeypatch.setattr(notifications, "sms_gateway", lambda: Down())
    with mock.patch("portal.notifications.tasks.send_notification.apply_async") as alone:
        statuses = send_notifications(ids)
    sms = Notification.objects.get(pk__in=ids, channel="sms")
    assert statuses[ids.index(sms.pk)] == "retry"
    assert alone.call_args.args[0] == (sms.pk,)
    assert len(mail.outbox) == 1  # the e-mail did not wait for the SMS
