"""A database that does not answer gives a clear 503, never a 500 (portal/middleware/outage.py)."""

import socket
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from portal.accounts.models import User
from portal.views import server_error
from procedures.models import Procedure
from tests.applications.conftest import desk_payload

DOWN = OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


@pytest.fixture
def clerk_api(demo):
    client = APIClient()
    client.force_authenticate(User.objects.get(username="clerk.kimlong"))
    return client


def test_an_api_write_during_a_database_outage_is_a_json_503(clerk_api):
    procedure = Procedure.objects.filter(current_version__processing_unit="working_days").first()
    with mock.patch("applications.services.dossier_create", side_effect=DOWN):
        response = clerk_api.post("/api/v1/dossiers/", desk_payload(procedure), format="json")
    assert response.status_code == 503
    assert response["Retry-After"]
    body = response.json()
    assert body["code"] == "service_unavailable"
    assert "cơ sở dữ liệu" in body["detail"]


def test_a_page_during_a_database_outage_is_a_vietnamese_503_page(demo):
    client = Client(raise_request_exception=False)
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DOWN):
        response = client.get("/")
    assert response.status_code == 503
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert "Hệ thống tạm thời gián đoạn" in page


def test_a_page_during_a_database_outage_speaks_english_when_asked(demo):
    client = Client(raise_request_exception=False)
    client.cookies["motcua_language"] = "en"
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DOWN):
        response = client.get("/")
    assert response.status_code == 503
    assert "Service briefly unavailable" in response.content.decode()


def test_a_database_outage_outside_a_view_is_a_503_too():
    request = RequestFactory().get("/api/v1/dossiers/")
    try:
        raise DOWN
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert b"service_unavailable" in response.content


def test_any_other_error_outside_a_view_stays_a_500():
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500


def test_the_cache_down_is_a_503_too_not_a_500(demo, settings):
    """The look-up is throttled through the cache (Redis in production): Redis down, 503."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = Client(raise_request_exception=False).get(
        "/api/v1/lookup/19774-260101-0001/?phone=1234"
    )
    assert response.status_code == 503
    assert response.json() == {
        "code": "service_unavailable",
        "detail": "Hệ thống tạm thời gián đoạn. Vui lòng thử lại sau ít phút.",
    }
