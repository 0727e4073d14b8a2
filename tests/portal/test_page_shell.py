"""The page shell kept per language for anonymous visitors (portal/templatetags/shell.py): each
visitor gets their own form token and address in it, a signed-in user's header is never kept, and
a kept fragment never carries one visitor's values to another."""

import re

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client

from portal.accounts.models import User

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NEXT = re.compile(r'<input type="hidden" name="next" value="([^"]*)">')


def test_each_anonymous_visitor_gets_a_token_of_their_own_that_the_language_switch_accepts(demo):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page_one = first.get("/").content.decode()
    page_two = second.get("/").content.decode()
    token_one, token_two = TOKEN.findall(page_one)[-1], TOKEN.findall(page_two)[-1]
    assert token_one != token_two
    # Each visitor's token goes with their own cookie: the switch works for each.
    switched = first.post(
        "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token_one}
    )
    assert switched.status_code == 302
    crossed = second.post(
        "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": "x" * 64}
    )
    assert crossed.status_code == 403


def test_the_language_switch_returns_to_each_page_its_own_address_escaped(demo):
    plain = Client().get("/?q=khai+sinh").content.decode()
    assert NEXT.search(plain).group(1) == "/?q=khai+sinh"
    hostile = Client().get('/?q="><b>x').content.decode()
    assert NEXT.search(hostile).group(1) == "/?q=%22%3E%3Cb%3Ex"
    assert "<b>x" not in hostile


def test_a_signed_in_users_header_is_theirs_and_never_shown_to_anyone_else(demo):
    citizen = User.objects.get(username="citizen")
    signed_in = Client()
    signed_in.force_login(citizen)
    before = Client().get("/").content.decode()  # the anonymous header, kept
    theirs = signed_in.get("/").content.decode()
    after = Client().get("/").content.decode()
    assert citizen.display_name in theirs
    assert 'action="/accounts/logout/"' in theirs
    for anonymous in (before, after):
        assert citizen.display_name not in anonymous
        assert 'action="/accounts/logout/"' not in anonymous
        assert 'href="/accounts/login/"' in anonymous


def test_english_and_vietnamese_shells_are_kept_apart(demo):
    vietnamese = Client().get("/").content.decode()
    english_browser = Client()
    english_browser.cookies["motcua_language"] = "en"
    english = english_browser.get("/").content.decode()
    assert '<html lang="vi">' in vietnamese
    assert ">English</button>" in vietnamese
    assert '<html lang="en">' in english
    assert ">Tiếng Việt</button>" in english
    assert "Find a procedure" in english
    assert "Find a procedure" not in vietnamese


def test_the_finder_keeps_each_visitors_search_and_choices(demo):
    first = Client().get("/?q=khai+sinh&level=commune").content.decode()
    second = Client().get("/?q=<i>đất").content.decode()
    assert 'value="khai sinh"' in first
    assert '<option value="commune" selected>' in first
    assert 'value="&lt;i&gt;đất"' in second
    assert " selected>" not in second


def test_the_look_up_form_holds_the_code_asked_for(demo):
    page = Client().get("/tra-cuu/?code=19774-260310-0001").content.decode()
    assert 'value="19774-260310-0001"' in page
    assert 'value=""' not in page.split('id="code"')[1].split(">")[0]
    assert 'value="other"' in Client().get("/tra-cuu/?code=other").content.decode()


def test_a_shell_cannot_hold_a_block():
    with pytest.raises(TemplateSyntaxError):
        Template('{% load shell %}{% shell "x" %}{% block a %}{% endblock %}{% endshell %}')


def test_without_a_request_a_shell_renders_as_any_template():
    template = Template('{% load shell %}{% shell "x" word %}<p>{{ word }}</p>{% endshell %}')
    assert template.render(Context({"word": "<b>"})) == "<p>&lt;b&gt;</p>"


HEADER = re.compile(r"<header class=\"site\">.*?</header>", re.S)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_signed_in_header_kept_per_language_and_links_is_each_users_own(demo, language):
    """The header kept for signed-in users (per language and the links they may follow) is, for
    each of them, what a fresh rendering gives: their name, their links, their form token."""
    from django.test.utils import override_settings

    from portal.templatetags import shell

    pages = {}
    for username in ("clerk.kimlong", "leader.kimlong", "citizen", "clerk.kimlong"):
        client = Client()
        client.cookies["motcua_language"] = language
        client.force_login(User.objects.get(username=username))
        kept = HEADER.search(client.get("/").content.decode()).group(0)
        with override_settings(SHELL_TEST_FRESH=True):  # a setting changed: rendered afresh
            assert shell._generation
            fresh = HEADER.search(client.get("/").content.decode()).group(0)
        assert TOKEN.search(kept), "the user's own form token is in it"
        assert TOKEN.sub("", kept) == TOKEN.sub("", fresh), username
        assert User.objects.get(username=username).display_name in kept
        pages.setdefault(username, []).append(kept)
    assert "/desk/" in pages["clerk.kimlong"][0]
    assert "/desk/" not in pages["citizen"][0]
    assert User.objects.get(username="clerk.kimlong").display_name not in pages["leader.kimlong"][0]
