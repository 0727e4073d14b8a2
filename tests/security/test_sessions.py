"""Issue 8, item 4: sessions end. Idle: 60 minutes (30 for staff); absolute: 12 hours after
sign-in however busy; the cookie lives no longer than that."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

PASSWORD = "demo12345"


def signed_in_client(username: str) -> Client:
    client = Client()
    assert (
        client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code
        == 302
    )
    return client


def test_a_resident_idle_for_over_an_hour_is_signed_out(demo):
    start = timezone.now()
    with freeze_time(start):
        client = signed_in_client("citizen")
    with freeze_time(start + timedelta(minutes=50)):
        assert client.get("/ho-so-cua-toi/").status_code == 200
    with freeze_time(start + timedelta(minutes=50 + 61)):
        answer = client.get("/ho-so-cua-toi/")
        assert answer.status_code == 302
        assert answer["Location"].startswith("/accounts/login/")
        assert "_auth_user_id" not in client.session
        page = client.get(answer["Location"]).content.decode()
        assert "Phiên làm việc đã hết hạn" in page


def test_staff_idle_for_over_half_an_hour_are_signed_out(demo):
    start = timezone.now()
    with freeze_time(start):
        client = signed_in_client("clerk.kimlong")
        assert client.get("/desk/").status_code == 200
    with freeze_time(start + timedelta(minutes=29)):
        assert client.get("/desk/").status_code == 200
    with freeze_time(start + timedelta(minutes=29 + 31)):
        assert client.get("/desk/").status_code == 302
        assert "_auth_user_id" not in client.session


def test_a_busy_session_still_ends_twelve_hours_after_sign_in(demo):
    start = timezone.now()
    with freeze_time(start):
        client = signed_in_client("clerk.kimlong")
    for step in range(1, 36):  # a request every 20 minutes for 11 h 40 min
        with freeze_time(start + timedelta(minutes=20 * step)):
            assert client.get("/desk/").status_code == 200
    with freeze_time(start + timedelta(hours=12, minutes=5)):
        assert client.get("/desk/").status_code == 302
        assert "_auth_user_id" not in client.session


def test_the_session_cookie_lives_no_longer_than_the_session(demo):
    client = Client()
    answer = client.post("/accounts/login/", {"username": "citizen", "password": PASSWORD})
    cookie = answer.cookies["sessionid"]
    assert int(cookie["max-age"]) == 12 * 3600
    assert cookie["httponly"]
