"""Sign-in lockout (issue 8): django-axes, keyed by account *and* address, plus an address cap.

Every sign-in (the login page, `POST /api/v1/auth/token/`, the admin login) goes through
`django.contrib.auth.authenticate`, where axes' backend refuses a locked-out attempt before any
password is checked and counts each failure.

- **Account and address together** (`AXES_LOCKOUT_PARAMETERS`): SIGNIN_FAILURE_LIMIT failures
  for one account from one address lock that account out *from that address* only, so an
  attacker cannot lock a citizen out of their own phone by guessing wrong on purpose.
- **Address alone**, with a higher limit (MOTCUA_SIGNIN_ADDRESS_FAILURE_LIMIT): one password
  sprayed over many accounts from one address fails per account only once or twice, and is
  stopped here instead.
- The account is the one the identifier names: `citizen`, `0912 000 111` and `+84912000111` are
  one key, so switching between username, phone and e-mail buys no extra guesses.
"""

import hashlib
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from portal.accounts.auth import matching_accounts
from portal.core.errors import ErrorCode


def account_key(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """The name failures are counted under: the account's username when the identifier names
    exactly one account, else the identifier itself, trimmed and lower-cased."""
    identifier = (credentials or {}).get("username")
    if identifier is None and request is not None:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        identifier = data.get("username") if hasattr(data, "get") else None
    if not isinstance(identifier, str) or not identifier.strip():
        return None
    accounts = matching_accounts(identifier)
    if len(accounts) == 1:
        return str(accounts[0].username)
    return identifier.strip().lower()[:255]


def client_str(
    username: str | None,
    ip_address: str | None,
    user_agent: str | None,
    path_info: str | None,
    request: HttpRequest | None,
) -> str:
    """How axes names an attempt in the logs: never the phone or e-mail that was typed
    (settings: no personal data in logs), a short digest of it instead."""
    digest = hashlib.sha256((username or "").encode()).hexdigest()[:10] if username else "-"
    return f"{{account: {digest}, ip_address: {ip_address}, path_info: {path_info}}}"


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with the address-wide cap added to the account+address count."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        failures: int = super().get_failures(request, credentials)
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return failures
        attempts = AccessAttempt.objects.filter(ip_address=address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        from_address: int = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
        if from_address >= settings.MOTCUA_SIGNIN_ADDRESS_FAILURE_LIMIT:
            return max(failures, int(settings.AXES_FAILURE_LIMIT))
        return failures


def _minutes(request: HttpRequest) -> int:
    cool_off = get_cool_off(request)
    return max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The answer to a locked-out sign-in: `{"code": "locked_out"}` with 429 on the API, a page
    saying when to try again everywhere else."""
    minutes = _minutes(request)
    message = _(
        "Too many failed sign-in attempts. For your safety, signing in from here is paused "
        "for %(minutes)s minutes; try again after that, or reset your password."
    ) % {"minutes": minutes}
    retry_after = str(minutes * 60)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": ErrorCode.LOCKED_OUT, "detail": message}, status=429)
    else:
        response = render(
            request, "portal/locked_out.html", {"message": message, "minutes": minutes}, status=429
        )
    response["Retry-After"] = retry_after
    return response
