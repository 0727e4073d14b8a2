"""Issue 10: the base template's pieces that are the same for everyone are rendered once per
language and process (`{% samefor_everyone %}`, portal/templatetags/fragments.py). What they give
must be what a fresh rendering gives, for an anonymous visitor and a signed-in clerk, in each
language, whoever asked first."""

import re

import pytest
from django.conf import settings
from django.test import Client

from portal.accounts.models import User
from portal.templatetags.fragments import SameForEveryoneNode

pytestmark = pytest.mark.django_db

PAGES = ["/", "/tra-cuu/", "/desk/", "/phan-anh/"]
# What differs on every request whatever the fragments: the CSRF token, a form's idempotency key.
PER_REQUEST = re.compile(rb'name="(csrfmiddlewaretoken|submission_key)" value="[^"]+"')


def _pages(clerk_user) -> dict:
    seen = {}
    for language in ("en", "vi", "en"):
        clerk_user.preferred_language = language
        clerk_user.save(update_fields=["preferred_language"])
        anonymous, clerk = Client(), Client()
        clerk.force_login(clerk_user)
        anonymous.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # a page follows the cookie
        for who, client in (("anonymous", anonymous), ("clerk", clerk)):
            for path in PAGES:
                response = client.get(path)
                seen[(who, language, path)] = (
                    response.status_code,
                    PER_REQUEST.sub(b"", response.content),
                )
    return seen


def test_a_fragment_kept_for_everyone_is_what_a_fresh_rendering_gives(demo, monkeypatch):
    clerk = User.objects.get(username="clerk.kimlong")
    kept = _pages(clerk)
    monkeypatch.setattr(
        SameForEveryoneNode, "render", lambda self, context: self.nodelist.render(context)
    )
    fresh = _pages(clerk)
    assert kept == fresh
    home = {key: body for key, (status, body) in kept.items() if key[2] == "/"}
    assert home[("anonymous", "vi", "/")] != home[("anonymous", "en", "/")]
    assert b"clerk.kimlong" not in home[("anonymous", "vi", "/")]
    assert home[("clerk", "vi", "/")] != home[("anonymous", "vi", "/")]
