"""Input no view should ever see: refused with 400 before any view or database query runs.

PostgreSQL refuses a NUL character in text ("A string literal cannot contain NUL (0x00)
characters"), so a `%00` in a path, a query, a form field, a file name or a cookie reached the
database as a 500. Nothing legitimate carries one: the request is refused as a whole, with a
clear message, as JSON `{"code": "invalid_input", "detail"}` under /api/ and /open311/ and as a
page elsewhere.
"""

from django.contrib.auth.models import AnonymousUser
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from portal.core.errors import ErrorCode

JSON_PREFIXES = ("/api/", "/open311/")
# The characters PostgreSQL will not store in text. Other control characters are stored
# faithfully (a tab or a newline in a comment is legitimate).
FORBIDDEN = "\x00"


def _has_forbidden(value: str) -> bool:
    return FORBIDDEN in value


def _bad_part(request) -> str | None:
    """Which part of the request carries a forbidden character, or None."""
    if _has_forbidden(request.path) or _has_forbidden(request.path_info):
        return "path"
    if _has_forbidden(request.META.get("QUERY_STRING", "")) or any(
        _has_forbidden(key) or any(_has_forbidden(v) for v in values)
        for key, values in request.GET.lists()
    ):
        return "query"
    if any(_has_forbidden(key) or _has_forbidden(value) for key, value in request.COOKIES.items()):
        return "cookie"
    # Headers reach the database too (an Idempotency-Key becomes a submission key). Servers in
    # front usually refuse a NUL in a header; this does not count on it.
    if any(
        key.startswith("HTTP_") and isinstance(value, str) and _has_forbidden(value)
        for key, value in request.META.items()
    ):
        return "header"
    if request.method in ("POST", "PUT", "PATCH") and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        if any(
            _has_forbidden(key) or any(_has_forbidden(v) for v in values)
            for key, values in request.POST.lists()
        ):
            return "form"
        if any(
            _has_forbidden(key) or any(_has_forbidden(f.name or "") for f in files)
            for key, files in request.FILES.lists()
        ):
            return "form"
        if request.content_type == "multipart/form-data" and _unreadable_multipart(request):
            return "unreadable"
    return None


def _unreadable_multipart(request) -> bool:
    """A multipart body longer than its bare closing delimiter in which no part could be read.

    Django skips malformed parts silently, so such a body reached the views as an empty form
    and an action without its fields went ahead."""
    if request.POST or request.FILES:
        return False
    boundary = request.content_params.get("boundary", "")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > len(boundary) + 8


def bad_input_response(request, detail: str, *, status: int = 400):
    """The answer to input refused before any view: JSON for the APIs, a page for people."""
    if request.path.startswith(JSON_PREFIXES):
        return JsonResponse({"code": ErrorCode.INVALID_INPUT, "detail": detail}, status=status)
    # Refused before the session is read (a forbidden cookie may be the session's): the page is
    # rendered as for an anonymous visitor.
    request.user = AnonymousUser()
    return render(request, "portal/bad_input.html", {"message": detail}, status=status)


class RejectForbiddenCharactersMiddleware:
    """400 for a NUL character anywhere in the path, query, headers, cookies or form fields,
    and for a multipart form none of whose parts can be read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        part = _bad_part(request)
        if part is not None:
            messages = {
                "path": _("The address contains a character that is not allowed (NUL)."),
                "query": _("The query contains a character that is not allowed (NUL)."),
                "cookie": _(
                    "A cookie contains a character that is not allowed (NUL). "
                    "Clear this site's cookies and try again."
                ),
                "form": _("The form contains a character that is not allowed (NUL)."),
                "header": _("A header contains a character that is not allowed (NUL)."),
                "unreadable": _("The form could not be read: no field in it is well formed."),
            }
            return bad_input_response(request, messages[part])
        return self.get_response(request)
