"""The portal's public address, for links that leave the page: QR codes, SMS, e-mail, Open311.

Production sets `SITE_URL` (required: portal/settings/production.py). In development, when
`SITE_URL` is not set (`SITE_URL_FROM_REQUEST`), the address is the one the current request came
to (`http://192.168.1.5:8000` on a phone on the same network), and outside a request (a task, a
command) `http://127.0.0.1:$PORT`. Never `127.0.0.1:8000` printed on a receipt read elsewhere.
"""

from contextvars import ContextVar

from django.conf import settings

_request_origin: ContextVar[str] = ContextVar("request_origin", default="")


def site_url() -> str:
    """The public address, without a trailing slash."""
    if getattr(settings, "SITE_URL_FROM_REQUEST", False):
        origin = _request_origin.get()
        if origin:
            return origin
    return settings.SITE_URL.rstrip("/")


def absolute(path: str) -> str:
    """An absolute link to a path of the portal (`/tra-cuu/?code=...`)."""
    return site_url() + path


class RequestOriginMiddleware:
    """Remembers the address of the current request, for `site_url()` in development."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not getattr(settings, "SITE_URL_FROM_REQUEST", False):
            return self.get_response(request)
        # get_host() checks ALLOWED_HOSTS: a forged Host header never becomes a link.
        token = _request_origin.set(f"{request.scheme}://{request.get_host()}")
        try:
            return self.get_response(request)
        finally:
            _request_origin.reset(token)
