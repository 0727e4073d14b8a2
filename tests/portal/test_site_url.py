"""The public address in links that leave the page: SITE_URL in production, the request's
address in development, the dossier's look-up in supplement messages (issue 13)."""

import os
import subprocess
import sys

from django.test import Client

from applications import services
from applications.services import Applicant
from portal.accounts.models import User
from portal.notifications.models import Notification
from portal.notifications.services import render
from procedures.models import Procedure, Unit
from tests.applications.conftest import required_docs

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "motcua.example.vn",
    "DEBUG": "false",
}


def start_production(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "DEBUG")}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings;"
            "print(settings.SITE_URL)",
        ],
        env={**clean, **PRODUCTION, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_site_url():
    refused = start_production()
    assert refused.returncode != 0
    assert "SITE_URL must be set" in refused.stderr
    wrong = start_production(SITE_URL="motcua.example.vn")
    assert wrong.returncode != 0
    started = start_production(SITE_URL="https://motcua.example.vn/")
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "https://motcua.example.vn"


def desk_dossier():
    procedure = (
        Procedure.objects.filter(current_version__processing_unit="working_days")
        .order_by("code")
        .first()
    )
    return services.dossier_create(
        procedure=procedure,
        unit=Unit.objects.get(code="19774"),
        applicant=Applicant(name="Nguyễn Văn An", id_number="046090001234", phone="0905111222"),
        channel="desk",
        actor=User.objects.get(username="clerk.kimlong"),
        checked_documents=required_docs(procedure),
    )


def test_the_supplement_sms_links_to_the_dossiers_lookup_not_the_home_page(demo, settings):
    settings.SITE_URL = "https://motcua.hue.gov.vn"
    dossier = desk_dossier()
    services.dossier_request_supplement(
        dossier=dossier, actor=User.objects.get(username="clerk.kimlong"), reason="Thiếu tờ khai."
    )
    sms = Notification.objects.get(template="supplement_requested", channel="sms")
    _subject, body = render(sms)
    assert f"https://motcua.hue.gov.vn/tra-cuu/?code={dossier.code}" in body
    assert "0905111222" not in body  # the link carries the code only


def test_in_development_the_receipts_qr_uses_the_address_the_clerk_came_to(demo, settings):
    settings.SITE_URL_FROM_REQUEST = True
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "192.168.1.5"]
    dossier = desk_dossier()
    clerk = Client(HTTP_HOST="192.168.1.5:8000")
    clerk.force_login(User.objects.get(username="clerk.kimlong"))
    from applications.documents import forms as documents

    seen = []
    original = documents.lookup_url

    def spy(code):
        seen.append(original(code))
        return seen[-1]

    documents.lookup_url = spy
    try:
        assert clerk.get(f"/desk/dossiers/{dossier.code}/forms/receipt.pdf").status_code == 200
    finally:
        documents.lookup_url = original
    assert seen == [f"http://192.168.1.5:8000/tra-cuu/?code={dossier.code}"]
    # Outside a request (a task), the configured fallback.
    assert original(dossier.code).startswith(settings.SITE_URL)


def test_a_forged_host_never_becomes_a_link(demo, settings):
    settings.SITE_URL_FROM_REQUEST = True
    response = Client(HTTP_HOST="evil.example").get("/")
    assert response.status_code == 400


def test_the_favicon_and_touch_icons_are_linked_and_served(demo):
    html = Client().get("/").content.decode()
    assert 'rel="icon"' in html
    assert 'rel="apple-touch-icon"' in html
    assert Client().get("/favicon.ico", follow=True).status_code == 200
    assert Client().get("/static/icons/apple-touch-icon.png").status_code == 200
