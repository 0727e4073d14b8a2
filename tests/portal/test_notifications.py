"""The notification outbox: written with the event, sent after commit, never twice."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.db import transaction

from portal.accounts.models import User
from portal.notifications import services as notifications
from portal.notifications.models import Notification
from portal.notifications.services import FileSmsGateway, HttpSmsGateway, Sms, SmsError, notify
from portal.notifications.tasks import send_notification

SMS, EMAIL, INAPP = "sms", "email", "inapp"


@pytest.fixture
def sms_file(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms.jsonl"
    settings.SMS_FILE_DELAY_SECONDS = 0
    return settings.SMS_FILE_PATH


def sms_lines(path):
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def sms_notice(key="received:1:citizen:sms", **extra):
    return notify(
        channel=SMS,
        template="dossier_received",
        dedupe_key=key,
        phone="0905123456",
        context={"code": "19774-260310-0001", "due": "09:00 17/03/2026", "unit_vi": "Kim Long"},
        **extra,
    )


def test_a_notice_is_sent_after_commit_once(db, sms_file, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice = sms_notice()
        assert sms_lines(sms_file) == []  # nothing leaves before the event is committed
    notice.refresh_from_db()
    assert notice.status == "sent"
    assert notice.attempts == 1
    assert notice.sent_at is not None
    [line] = sms_lines(sms_file)
    assert line["to"] == "0905123456"
    assert "19774-260310-0001" in line["text"]
    assert line["reference"] == "received:1:citizen:sms"


def test_the_same_event_is_stored_and_sent_once(db, sms_file, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = sms_notice()
        second = sms_notice()
    assert first is not None
    assert second is None
    assert Notification.objects.count() == 1
    # A task delivered twice (broker redelivery, requeue sweep) sends nothing the second time.
    send_notification.delay(first.pk)
    send_notification.delay(first.pk)
    assert len(sms_lines(sms_file)) == 1
    first.refresh_from_db()
    assert first.attempts == 1


def test_a_rolled_back_event_tells_nobody(db, sms_file, django_capture_on_commit_callbacks):
    def failing_event():
        with transaction.atomic():
            sms_notice()
            raise RuntimeError("the event failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        failing_event()
    assert callbacks == []
    assert not Notification.objects.exists()
    assert sms_lines(sms_file) == []


def test_nobody_to_reach_on_a_channel_stores_nothing(db):
    assert notify(channel=SMS, template="result_ready", dedupe_key="x:sms", phone="") is None
    assert notify(channel=EMAIL, template="result_ready", dedupe_key="x:em", address="") is None
    assert not Notification.objects.exists()


class FlakyGateway:
    """Fails `failures` times, then writes through the file gateway."""

    failures = 0
    calls = 0

    def send(self, sms):
        FlakyGateway.calls += 1
        if FlakyGateway.calls <= FlakyGateway.failures:
            raise SmsError("gateway answered HTTP 503")
        FileSmsGateway().send(sms)


@pytest.fixture
def flaky(settings, sms_file, monkeypatch):
    settings.SMS_BACKEND = "tests.portal.test_notifications.FlakyGateway"
    FlakyGateway.calls = 0
    delays = []
    real = notifications.backoff
    monkeypatch.setattr(notifications, "backoff", lambda n: delays.append(real(n)) or delays[-1])
    return delays


def test_a_failing_gateway_is_retried_with_growing_back_off_and_sent_once(
    db, flaky, sms_file, django_capture_on_commit_callbacks
):
    FlakyGateway.failures = 3
    with django_capture_on_commit_callbacks(execute=True):
        notice = sms_notice()
    notice.refresh_from_db()
    assert notice.status == "sent"
    assert notice.attempts == 4
    assert notice.last_error == ""
    assert len(sms_lines(sms_file)) == 1
    assert len(flaky) == 3
    assert flaky[0] < flaky[1] < flaky[2]
    assert 30 <= flaky[0] <= 33


def test_a_notice_that_never_goes_through_ends_failed_with_the_reason(
    db, flaky, sms_file, django_capture_on_commit_callbacks
):
    FlakyGateway.failures = 100
    with django_capture_on_commit_callbacks(execute=True):
        notice = sms_notice()
    notice.refresh_from_db()
    assert notice.status == "failed"
    assert notice.attempts == notifications.MAX_ATTEMPTS
    assert "HTTP 503" in notice.last_error
    assert "0905123456" not in notice.last_error
    assert sms_lines(sms_file) == []


def test_back_off_doubles_and_stays_below_the_visibility_timeout():
    assert 30 <= notifications.backoff(1) <= 33
    assert 60 <= notifications.backoff(2) <= 66
    assert notifications.backoff(20) <= 30 * 60 * 1.1 < 3600


def test_e_mail_goes_out_in_the_recipients_language(db, django_capture_on_commit_callbacks):
    context = {"code": "19774-260310-0007", "name": "Lan", "procedure_en": "Birth registration"}
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            channel=EMAIL,
            template="result_ready",
            dedupe_key="result:7:citizen:email",
            address="lan@example.vn",
            language="en",
            context=context,
        )
        notify(
            channel=EMAIL,
            template="result_ready",
            dedupe_key="result:8:citizen:email",
            address="an@example.vn",
            language="vi",
            context=context,
        )
    english, vietnamese = sorted(mail.outbox, key=lambda m: m.to[0] != "lan@example.vn")
    assert english.subject == "Dossier 19774-260310-0007: result ready"
    assert "Birth registration" in english.body
    assert "19774-260310-0007" in vietnamese.subject
    assert vietnamese.subject != english.subject


def test_in_app_notices_are_delivered_by_being_stored_and_read_by_their_owner_only(demo):
    leader = User.objects.get(username="leader.kimlong")
    specialist = User.objects.get(username="specialist.kimlong")
    for user in (leader, specialist):
        notify(
            channel=INAPP,
            template="dossier_overdue",
            dedupe_key=f"overdue:1:{user.pk}:inapp",
            recipient=user,
            context={"code": "19774-260310-0001", "due": "09:00 17/03/2026"},
        )
    [mine] = notifications.unread_for(leader)
    assert mine.status == "sent"
    assert notifications.render(mine)[0] == "Hồ sơ 19774-260310-0001 đã quá hạn"
    assert notifications.notices_mark_read(user=leader, ids=[mine.pk]) == 1
    assert not notifications.unread_for(leader).exists()
    assert notifications.unread_for(specialist).count() == 1


class GatewayHandler(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        GatewayHandler.received.append((dict(self.headers), json.loads(body)))
        self.send_response(GatewayHandler.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    GatewayHandler.received = []
    server = HTTPServer(("127.0.0.1", 0), GatewayHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/sms"
    finally:
        server.shutdown()
        server.server_close()


def test_the_http_gateway_posts_the_message_with_its_idempotency_key(gateway):
    GatewayHandler.status = 200
    HttpSmsGateway(url=gateway, token="t0k", timeout=5).send(
        Sms(to="0905123456", text="Hồ sơ 1", reference="received:1:citizen:sms")
    )
    [(headers, body)] = GatewayHandler.received
    assert body == {"to": "0905123456", "text": "Hồ sơ 1", "reference": "received:1:citizen:sms"}
    assert headers["Authorization"] == "Bearer t0k"
    assert headers["Idempotency-Key"] == "received:1:citizen:sms"


def test_the_http_gateway_reports_a_refusal_without_personal_data(gateway):
    GatewayHandler.status = 500
    with pytest.raises(SmsError) as error:
        HttpSmsGateway(url=gateway, token="t0k", timeout=5).send(
            Sms(to="0905123456", text="x", reference="r")
        )
    assert str(error.value) == "gateway answered HTTP 500"


def test_the_admin_lists_the_timers_declared_in_code(demo, client):
    admin = User.objects.create_superuser("root", "root@example.vn", "pw-root-123")
    client.force_login(admin)
    client.cookies["motcua_language"] = "en"
    response = client.get("/admin/timers/")
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("flag-overdue", "remind-due-soon", "leader-digest"):
        assert name in page
    assert "applications.tasks.flag_overdue_sweep" in page
    assert "every 60 s" in page
    assert client.get("/admin/portal/notification/").status_code == 200
    client.logout()
    assert client.get("/admin/timers/").status_code == 302
