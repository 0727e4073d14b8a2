"""Vietnamese by default for everyone; English only by choice, remembered (issue 13)."""

from django.test import Client

from portal.accounts.models import User

LANG_VI = '<html lang="vi">'
LANG_EN = '<html lang="en">'


def test_an_english_browser_gets_the_site_in_vietnamese(demo):
    page = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/")
    assert page.status_code == 200
    assert LANG_VI in page.content.decode()
    assert page["Content-Language"] == "vi"
    assert "Accept-Language" not in page.get("Vary", "")


def test_the_switch_to_english_is_remembered_in_the_cookie(demo):
    browser = Client(HTTP_ACCEPT_LANGUAGE="vi")
    switched = browser.post("/i18n/setlang/", {"language": "en", "next": "/phan-anh/"})
    assert switched.status_code == 302
    assert switched["Location"] == "/phan-anh/"
    assert browser.cookies["motcua_language"].value == "en"
    assert LANG_EN in browser.get("/").content.decode()
    browser.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert LANG_VI in browser.get("/").content.decode()


def test_the_switch_is_remembered_in_the_signed_in_users_account(demo):
    phone = Client()
    phone.force_login(User.objects.get(username="citizen"))
    phone.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert User.objects.get(username="citizen").preferred_language == "en"
    # Another device, no cookie, an English browser or not: the account's choice.
    laptop = Client(HTTP_ACCEPT_LANGUAGE="vi")
    laptop.force_login(User.objects.get(username="citizen"))
    assert LANG_EN in laptop.get("/").content.decode()
    # Signed out, the same laptop is Vietnamese again.
    assert LANG_VI in Client(HTTP_ACCEPT_LANGUAGE="en").get("/").content.decode()


def test_an_unknown_language_changes_nothing(demo):
    phone = Client()
    phone.force_login(User.objects.get(username="citizen"))
    phone.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert User.objects.get(username="citizen").preferred_language == "vi"
    assert LANG_VI in phone.get("/").content.decode()


def test_the_switch_refuses_get_and_an_outside_next(demo):
    assert Client().get("/i18n/setlang/?language=en").status_code == 405
    away = Client().post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert away["Location"] == "/"


def test_the_api_still_answers_a_program_in_the_language_it_asks_for(demo):
    answer = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/procedures/nope/")
    assert answer["Content-Language"] == "en"
    assert Client().get("/api/v1/procedures/nope/")["Content-Language"] == "vi"
