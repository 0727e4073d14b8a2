"""A database (or cache) that does not answer is an outage, not a bug: 503 with a clear message.

`django.db.OperationalError` / `InterfaceError` (PostgreSQL stopped, restarting, unreachable,
its connection cut) raised by a view, the API included, become a 503: `{"code":
"service_unavailable", "detail": ...}` on the API, a short page in the user's language elsewhere,
with `Retry-After`. Raised by a middleware (the session saved after the view), the same answer
comes from `handler500` (`portal.views.server_error`). The transaction the request was writing
is rolled back by PostgreSQL, so nothing half-saved stays behind; the next request reconnects by
itself (`CONN_HEALTH_CHECKS`). The Redis cache (`REDIS_URL`: throttles) down is answered alike.
"""

from __future__ import annotations

import logging

import redis
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from portal.core.errors import ErrorCode

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
CACHE_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
RETRY_AFTER_SECONDS = 30
JSON_PREFIXES = ("/api/", "/open311/", "/healthz")


def wants_json(request) -> bool:
    accept = request.headers.get("Accept", "")
    return request.path.startswith(JSON_PREFIXES) or (
        "application/json" in accept and "text/html" not in accept
    )


def service_unavailable(request, exc: BaseException | None = None) -> HttpResponse:
    if isinstance(exc, CACHE_ERRORS):
        detail = _("The service is briefly unavailable. Please try again in a few minutes.")
    else:
        detail = _(
            "The service is briefly unavailable: its database does not answer. Nothing was "
            "saved by this request. Please try again in a few minutes."
        )
    if wants_json(request):
        response = JsonResponse(
            {"code": ErrorCode.SERVICE_UNAVAILABLE, "detail": detail}, status=503
        )
    else:
        # No request context: the page must render without the database (no user, no session).
        response = HttpResponse(
            render_to_string("503.html", {"detail": detail}), status=503, charset="utf-8"
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def is_database_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_ERRORS + CACHE_ERRORS)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_outage(exception):
            return None
        logger.warning(
            "database or cache unavailable (%s) on %s %s: answered 503",
            type(exception).__name__,
            request.method,
            request.path,
        )
        return service_unavailable(request, exception)
