"""Issue 8, item 4: an optional second factor for staff (TOTP apps, recovery codes), required for
the admin site when OTP_REQUIRED_FOR_ADMIN (production). Codes are computed here as the phone
would, with django-otp's own TOTP function."""

import re
from base64 import b32encode
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time
from rest_framework.test import APIClient

from portal.accounts.models import User

PASSWORD = "demo12345"


def code_for(device: TOTPDevice) -> str:
    """What the authenticator app shows now (frozen time included)."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{value:0{device.digits}d}"


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def clerk(demo):
    return User.objects.get(username="clerk.kimlong")


@pytest.fixture
def clerk_with_app(clerk):
    return TOTPDevice.objects.create(user=clerk, name="MotCua", confirmed=True)


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser("root", "root@example.vn", "admin-pass-2025")


def test_a_clerk_turns_on_two_step_sign_in_with_the_qr_code_and_a_real_code(clerk):
    client = Client()
    client.force_login(clerk)
    page = client.get("/accounts/xac-thuc-hai-buoc/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'src="data:image/png;base64,' in body
    device = TOTPDevice.objects.get(user=clerk, confirmed=False)
    secret = re.search(r'class="otp-secret">([A-Z2-7 ]+)<', body).group(1).replace(" ", "")
    assert secret == b32encode(device.bin_key).decode()

    wrong = client.post("/accounts/xac-thuc-hai-buoc/", {"otp_token": "000000"})
    assert "Mã không đúng" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    with freeze_time(timezone.now() + timedelta(seconds=5)):
        done = client.post("/accounts/xac-thuc-hai-buoc/", {"otp_token": code_for(device)})
    assert done.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert StaticDevice.objects.get(user=clerk).token_set.count() == 10
    # The session that enrolled counts as verified.
    assert client.session["otp_device_id"] == device.persistent_id


def test_sign_in_asks_for_the_code_once_two_step_sign_in_is_on(clerk_with_app):
    client = Client()
    answer = client.post(
        "/accounts/login/?next=/desk/", {"username": "clerk.kimlong", "password": PASSWORD}
    )
    assert answer.status_code == 302
    assert answer["Location"] == "/accounts/login/ma-xac-thuc/"
    # The password alone signs nobody in: pages and the API see an anonymous visitor.
    assert not signed_in(client)
    assert client.get("/api/v1/dossiers/").status_code in (401, 403)

    page = client.get("/accounts/login/ma-xac-thuc/")
    assert "Mã đăng nhập" in page.content.decode()
    done = client.post("/accounts/login/ma-xac-thuc/", {"otp_token": code_for(clerk_with_app)})
    assert done.status_code == 302
    assert done["Location"] == "/desk/"
    assert signed_in(client)
    assert client.session["otp_device_id"] == clerk_with_app.persistent_id


def test_a_wrong_code_signs_nobody_in_and_guessing_is_slowed_down(clerk_with_app):
    client = Client()
    client.post("/accounts/login/", {"username": "clerk.kimlong", "password": PASSWORD})
    start = timezone.now()
    with freeze_time(start):
        wrong = client.post("/accounts/login/ma-xac-thuc/", {"otp_token": "123456"})
        assert wrong.status_code == 200
        assert "Mã không đúng" in wrong.content.decode()
        assert not signed_in(client)
        # Right after a wrong guess even the right code waits (django-otp's throttling).
        client.post("/accounts/login/ma-xac-thuc/", {"otp_token": code_for(clerk_with_app)})
        assert not signed_in(client)
    with freeze_time(start + timedelta(seconds=40)):
        client.post("/accounts/login/ma-xac-thuc/", {"otp_token": code_for(clerk_with_app)})
        assert signed_in(client)


def test_a_recovery_code_signs_in_once(clerk_with_app):
    recovery = StaticDevice.objects.create(user=clerk_with_app.user, name="recovery")
    recovery.token_set.create(token="abcd2345")
    first = Client()
    first.post("/accounts/login/", {"username": "clerk.kimlong", "password": PASSWORD})
    first.post("/accounts/login/ma-xac-thuc/", {"otp_token": "abcd2345"})
    assert signed_in(first)
    again = Client()
    again.post("/accounts/login/", {"username": "clerk.kimlong", "password": PASSWORD})
    again.post("/accounts/login/ma-xac-thuc/", {"otp_token": "abcd2345"})
    assert not signed_in(again)


def test_the_code_step_expires_and_sends_back_to_the_password(clerk_with_app):
    client = Client()
    start = timezone.now()
    with freeze_time(start):
        client.post("/accounts/login/", {"username": "clerk.kimlong", "password": PASSWORD})
    with freeze_time(start + timedelta(minutes=6)):
        late = client.post("/accounts/login/ma-xac-thuc/", {"otp_token": code_for(clerk_with_app)})
        assert late.status_code == 302
        assert late["Location"] == "/accounts/login/"
        assert not signed_in(client)


def test_residents_have_no_second_factor_page(demo):
    client = Client()
    client.force_login(User.objects.get(username="citizen"))
    assert client.get("/accounts/xac-thuc-hai-buoc/").status_code == 404


def test_without_the_requirement_the_admin_opens_with_the_password(admin_user, settings):
    settings.OTP_REQUIRED_FOR_ADMIN = False
    client = Client()
    answer = client.post(
        "/admin/login/?next=/admin/", {"username": "root", "password": "admin-pass-2025"}
    )
    assert answer.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_when_required_an_administrator_without_an_app_is_sent_to_add_one(admin_user, settings):
    settings.OTP_REQUIRED_FOR_ADMIN = True
    client = Client()
    client.post("/admin/login/?next=/admin/", {"username": "root", "password": "admin-pass-2025"})
    assert client.get("/admin/").status_code == 302
    login = client.get("/admin/login/?next=/admin/")
    assert login.status_code == 302
    assert login["Location"] == "/accounts/xac-thuc-hai-buoc/"


def test_when_required_the_admin_opens_only_after_the_code(admin_user, settings):
    settings.OTP_REQUIRED_FOR_ADMIN = True
    device = TOTPDevice.objects.create(user=admin_user, name="MotCua", confirmed=True)
    client = Client()
    answer = client.post(
        "/admin/login/?next=/admin/", {"username": "root", "password": "admin-pass-2025"}
    )
    assert answer["Location"] == "/accounts/login/ma-xac-thuc/"
    assert client.get("/admin/").status_code == 302
    done = client.post("/accounts/login/ma-xac-thuc/", {"otp_token": code_for(device)})
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_when_required_a_session_signed_in_before_enrolling_is_asked_for_the_code(
    admin_user, settings
):
    settings.OTP_REQUIRED_FOR_ADMIN = True
    device = TOTPDevice.objects.create(user=admin_user, name="MotCua", confirmed=True)
    client = Client()
    client.force_login(admin_user)
    login = client.get("/admin/login/?next=/admin/")
    assert login["Location"].startswith("/accounts/login/ma-xac-thuc/?next=")
    client.post(login["Location"], {"otp_token": code_for(device)})
    assert client.get("/admin/").status_code == 200


def test_an_api_token_for_an_account_with_two_step_sign_in_needs_the_code(clerk_with_app):
    client = APIClient()
    credentials = {"username": "clerk.kimlong", "password": PASSWORD}
    without = client.post("/api/v1/auth/token/", credentials, format="json")
    assert without.status_code == 400
    assert without.json()["code"] == "otp_required"
    assert "đăng nhập hai bước" in without.json()["detail"]
    assert "token" not in without.json()
    wrong = client.post(
        "/api/v1/auth/token/", {**credentials, "otp_token": "000000"}, format="json"
    )
    assert wrong.json()["code"] == "otp_invalid"
    with freeze_time(timezone.now() + timedelta(seconds=40)):
        right = client.post(
            "/api/v1/auth/token/",
            {**credentials, "otp_token": code_for(clerk_with_app)},
            format="json",
        )
    assert right.status_code == 200
    assert right.json()["token"]


def test_a_verified_session_asked_for_the_code_again_goes_on_and_never_off_site(
    clerk_with_app,
):
    client = Client()
    client.post("/accounts/login/", {"username": "clerk.kimlong", "password": PASSWORD})
    client.post("/accounts/login/ma-xac-thuc/", {"otp_token": code_for(clerk_with_app)})
    again = client.get("/accounts/login/ma-xac-thuc/?next=/desk/")
    assert again.status_code == 302
    assert again["Location"] == "/desk/"
    away = client.get("/accounts/login/ma-xac-thuc/?next=https://evil.example/")
    assert away["Location"] == "/"
