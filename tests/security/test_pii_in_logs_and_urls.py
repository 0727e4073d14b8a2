"""Issue 8, item 5: personal data stays out of logs and URLs.

Whole e-mails landed in the worker log by default (the console e-mail backend); the look-up's
phone digits sat in query strings, so in the address bar, the history and the access log.
"""

import importlib
import logging
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from portal.accounts.models import User
from tests.applications.conftest import desk_payload

EMAIL = "an.nguyen@gmail.com"


# --- Logs and URLs -----------------------------------------------------------------------------


def test_the_default_email_backend_writes_files_under_var_not_the_console(monkeypatch):
    monkeypatch.delenv("EMAIL_BACKEND", raising=False)
    monkeypatch.delenv("EMAIL_FILE_PATH", raising=False)
    from portal.settings import base

    base = importlib.reload(base)
    assert base.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend"
    assert Path(base.EMAIL_FILE_PATH) == Path(base.VAR_DIR) / "mail"


def test_a_failed_email_notice_logs_no_address(demo, caplog, monkeypatch):
    from smtplib import SMTPRecipientsRefused

    from portal.notifications import services as notifications
    from portal.notifications.models import Notification

    def refuse(*args, **kwargs):
        raise SMTPRecipientsRefused({EMAIL: (550, b"no such user an.nguyen@gmail.com")})

    monkeypatch.setattr(notifications, "send_mail", refuse)
    notice = Notification.objects.create(
        channel=Notification.Channel.EMAIL,
        recipient_address=EMAIL,
        template="dossier_submitted",
        dedupe_key="test:privacy:email",
        context={},
    )
    with caplog.at_level(logging.DEBUG):
        outcome = notifications.deliver(notice.pk)
    assert outcome.status == "retry"
    assert EMAIL not in caplog.text


def test_the_lookup_form_sends_the_phone_digits_by_post(client, demo):
    page = client.get("/tra-cuu/", {"code": "19774-260310-0001"}).content.decode()
    assert 'method="post"' in page
    assert 'value="19774-260310-0001"' in page
    finder = client.get("/").content.decode()
    assert 'method="post" action="/tra-cuu/"' in finder


def test_the_lookup_page_answers_a_post_without_digits_in_the_url(client, demo):
    clerk = APIClient()
    clerk.force_authenticate(User.objects.get(username="clerk.kimlong"))
    from procedures.models import Procedure

    procedure = (
        Procedure.objects.filter(current_version__processing_unit="working_days")
        .order_by("code")
        .first()
    )
    code = clerk.post("/api/v1/dossiers/", desk_payload(procedure), format="json").json()["code"]
    found = client.post("/tra-cuu/", {"code": code, "phone": "1222"})
    assert found.status_code == 200
    assert code in found.content.decode()
    assert "Nguyễn Văn An" not in found.content.decode()
    assert client.post("/tra-cuu/", {"code": code, "phone": "0000"}).status_code == 404


def test_the_access_log_names_the_path_without_the_query_string(tmp_path):
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    conf = runpy.run_path(str(Path(django_settings.BASE_DIR) / "gunicorn.conf.py"))
    cfg = Config()
    log_file = tmp_path / "access.log"
    cfg.set("accesslog", str(log_file))
    cfg.set("access_log_format", conf["access_log_format"])
    logger = Logger(cfg)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/api/v1/lookup/19774-260310-0001/?phone=1222",
        "PATH_INFO": "/api/v1/lookup/19774-260310-0001/",
        "QUERY_STRING": "phone=1222",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": "https://motcua.example/tra-cuu/?code=19774-260310-0001&phone=1222",
        "HTTP_USER_AGENT": "pytest",
    }
    response = SimpleNamespace(status="200 OK", sent=120, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=5))
    for handler in logger.access_log.handlers:
        handler.flush()
    line = log_file.read_text()
    assert "/api/v1/lookup/19774-260310-0001/" in line
    assert "1222" not in line
    assert "phone" not in line


@pytest.mark.parametrize("launcher", ["Procfile", "Dockerfile"])
def test_gunicorn_runs_with_the_access_log_config(launcher):
    text = (Path(django_settings.BASE_DIR) / launcher).read_text()
    gunicorn_lines = [
        line for line in text.splitlines() if "gunicorn portal.wsgi" in line or '"gunicorn"' in line
    ]
    assert gunicorn_lines
    assert all("gunicorn.conf.py" in line for line in gunicorn_lines)
