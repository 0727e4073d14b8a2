"""The portal's public address, for links that leave the page: QR codes, SMS, e-mail, Open311.

Production sets `SITE_URL` (required: portal/settings/production.py). In development, when the
SITE_URL environment variable is not set (`SITE_URL_FROM_REQUEST`), the address is the one the
current request came to (`http://192.168.1.5:8000` for a phone on the same network), and outside
a request (a task, a command) `http://127.0.0.1:$PORT`. The request's address is remembered by
`portal.middleware.language.ChosenLanguageMiddleware` (after the host is checked).
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest

_request_origin: ContextVar[str] = ContextVar("request_origin", default="")


def from_request() -> bool:
    return getattr(settings, "SITE_URL_FROM_REQUEST", not os.environ.get("SITE_URL", "").strip())


def site_url() -> str:
    """The public address, without a trailing slash."""
    if from_request():
        return _request_origin.get() or f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
    return settings.SITE_URL.rstrip("/")


def absolute(path: str) -> str:
    """An absolute link to a path of the portal (`/tra-cuu/?code=...`)."""
    return site_url() + path


@contextmanager
def request_origin(request: HttpRequest) -> Iterator[None]:
    """While the request is answered, links use its address (development only)."""
    if not from_request():
        yield
        return
    # get_host() checks ALLOWED_HOSTS: a forged Host header never becomes a link.
    token = _request_origin.set(f"{request.scheme}://{request.get_host()}")
    try:
        yield
    finally:
        _request_origin.reset(token)
