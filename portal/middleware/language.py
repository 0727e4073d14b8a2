"""Vietnamese for everyone unless they chose English: never from the browser's Accept-Language.

Most residents with a phone set to English read Vietnamese (issue 13). A page's language is, in
order: the choice remembered in the language cookie (the switch in the header), the signed-in
user's account (`preferred_language`), then Vietnamese. Placed after the authentication
middleware, so the account is known.

It also remembers the request's address for links in development (portal/core/site.py).

The API (/api/, /open311/) is read by programs, which set Accept-Language on purpose: there the
header is honoured after the cookie, and the default is still Vietnamese.
"""

from django.conf import settings
from django.db import DatabaseError
from django.utils import translation
from django.utils.cache import patch_vary_headers

from portal.accounts.language import SUPPORTED
from portal.core.site import request_origin

API_PREFIXES = ("/api/", "/open311/")


def _account_language(request) -> str:
    user = getattr(request, "user", None)
    try:
        if user is None or not user.is_authenticated:
            return ""
    except DatabaseError:  # an outage: the page says so in Vietnamese, not a 500
        return ""
    return (getattr(user, "preferred_language", "") or "")[:2]


def chosen_language(request) -> str:
    """The language the person chose (cookie, then account), else the site's (Vietnamese)."""
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")[:5]
    if cookie in SUPPORTED:
        return cookie
    if request.path.startswith(API_PREFIXES):
        asked = translation.get_language_from_request(request)
        if asked in SUPPORTED and request.headers.get("Accept-Language"):
            return asked
    account = _account_language(request)
    if account in SUPPORTED:
        return account
    return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        with request_origin(request):  # development's links use the request's address
            response = self.get_response(request)
        # A page depends on the cookie and the session, never on Accept-Language (the API does).
        api = request.path.startswith(API_PREFIXES)
        patch_vary_headers(response, ("Cookie", "Accept-Language") if api else ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
