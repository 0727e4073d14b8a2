"""The citizen's account: registration, sign-in, password reset, profile."""

from django.core import mail

from portal.accounts.models import User
from tests.citizen.conftest import BACKENDS

# --- Accounts ----------------------------------------------------------------------------------


def test_a_citizen_registers_with_a_phone_and_is_signed_in(client, demo, settings):
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    response = client.post(
        "/dang-ky/",
        {
            "full_name": "Trần Thị Bích Ngọc",
            "phone": "0935 111 222",
            "password1": "hoa-sen-trang-42",
            "password2": "hoa-sen-trang-42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(phone="0935111222")
    assert (user.username, user.first_name, user.last_name) == (
        "0935111222",
        "Ngọc",
        "Trần Thị Bích",
    )
    assert client.get("/ho-so-cua-toi/").status_code == 200


def test_a_citizen_registers_with_an_e_mail_only(client, demo, settings):
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    response = client.post(
        "/dang-ky/",
        {
            "full_name": "Lê Văn Tâm",
            "email": "Tam.Le@Example.vn",
            "password1": "hoa-sen-trang-42",
            "password2": "hoa-sen-trang-42",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="tam.le@example.vn").phone == ""


def test_registration_refuses_a_phone_that_is_not_a_mobile_with_a_clear_message(client, demo):
    client.cookies["motcua_language"] = "en"
    response = client.post(
        "/dang-ky/",
        {
            "full_name": "Lê Văn Tâm",
            "phone": "0234 382 1234",
            "password1": "hoa-sen-trang-42",
            "password2": "hoa-sen-trang-42",
        },
    )
    assert response.status_code == 400
    assert "A Vietnamese mobile number has 10 digits" in response.content.decode()
    assert not User.objects.filter(first_name="Tâm").exists()


def test_registration_refuses_a_phone_already_registered_and_an_empty_contact(client, demo):
    client.cookies["motcua_language"] = "en"
    body = {"full_name": "Lê Văn Tâm", "password1": "hoa-sen-trang-42"}
    body["password2"] = body["password1"]
    taken = client.post("/dang-ky/", {**body, "phone": "0905123456"})
    assert taken.status_code == 400
    assert "already exists" in taken.content.decode()
    neither = client.post("/dang-ky/", body)
    assert neither.status_code == 400
    assert "Give a mobile number or an e-mail address" in neither.content.decode()
    weak = client.post("/dang-ky/", {**body, "phone": "0935111222", "password1": "12345678"})
    assert weak.status_code == 400
    assert User.objects.filter(first_name="Tâm").count() == 0


def test_a_citizen_signs_in_with_the_phone_or_the_e_mail(client, demo, settings):
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    for identifier in ("0905 123 456", "CITIZEN@example.vn", "citizen"):
        response = client.post(
            "/accounts/login/", {"username": identifier, "password": "demo12345"}
        )
        assert response.status_code == 302, identifier
        assert client.get("/ho-so-cua-toi/").status_code == 200
        client.logout()
    wrong = client.post("/accounts/login/", {"username": "0905123456", "password": "nope"})
    assert wrong.status_code == 200


def test_the_account_pages_render_for_a_visitor(client, demo):
    for path in ("/dang-ky/", "/mat-khau/quen/"):
        assert client.get(path).status_code == 200
    assert client.get("/tai-khoan/").status_code == 302
    assert client.get("/ho-so-cua-toi/").status_code == 302


def test_a_forgotten_password_is_reset_through_an_e_mailed_link(client, demo):
    response = client.post("/mat-khau/quen/", {"email": "citizen@example.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/mat-khau/dat-lai/" in line)
    path = link.split("testserver", 1)[1]
    form = client.get(path, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "song-huong-2026", "new_password2": "song-huong-2026"},
    )
    assert done.status_code == 302
    assert User.objects.get(username="citizen").check_password("song-huong-2026")


def test_the_profile_is_edited_and_prefills_the_application(as_user, procedure):
    client = as_user("citizen")
    response = client.post(
        "/tai-khoan/",
        {
            "full_name": "Nguyễn Thị Lan Anh",
            "phone": "0905999888",
            "email": "lan.anh@example.vn",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 302
    assert client.get("/tai-khoan/").status_code == 200
    user = User.objects.get(username="citizen")
    assert (user.phone, user.preferred_language, user.first_name) == ("0905999888", "en", "Anh")
    page = client.get(f"/nop-ho-so/{procedure.code}/").content.decode()
    assert 'value="Nguyễn Thị Lan Anh"' in page
    assert 'value="0905999888"' in page
