"""The public look-up (page `/tra-cuu/` and API `/api/v1/lookup/{code}/`), guarded per code.

A per-address throttle alone does not protect four phone digits: an attacker with many
addresses shares the work. So each dossier code also has its own budget of wrong digit attempts,
whatever address they come from (`settings.LOOKUP_CODE_LIMITS`, portal/core/throttling.py). Spent,
the code cools down: every look-up of it, right digits or wrong, answers 429 with the time to
come back, and nothing is compared, so the flood learns nothing. Wrong codes are counted like
right ones: the answer never tells whether a code exists.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from rest_framework.settings import api_settings

from applications import selectors
from applications.models import Dossier
from portal.core.errors import DomainError, ErrorCode, NotFound
from portal.core.throttling import Budget, Cooldown, hit, parse_rate, parse_tiers

logger = logging.getLogger("motcua.lookup")


def no_store(response: HttpResponse) -> HttpResponse:
    """Every answer of the look-up, page or API, found or not: the look-up of one person's
    dossier, so kept by no shared cache, no proxy and no browser."""
    response["Cache-Control"] = "private, no-store"
    return response


class LookupCooling(DomainError):
    code = ErrorCode.LOOKUP_COOLING_DOWN
    status = 429

    def __init__(self, wait: int) -> None:
        self.wait = wait
        until = timezone.localtime() + timedelta(seconds=wait)
        self.retry_at = formats.time_format(until, "H:i")
        super().__init__(
            _(
                "This dossier code was tried with wrong phone digits too many times, so "
                "look-ups of it are paused to protect it. Try again after %(time)s "
                "(in %(minutes)s min). If you signed in, your dossiers are under "
                '"My dossiers".'
            )
            % {"time": self.retry_at, "minutes": max(1, -(-wait // 60))},
            extra={"retry_after": wait},
        )


def _cooldown() -> Cooldown:
    return Cooldown("lookup-code", parse_tiers(settings.LOOKUP_CODE_LIMITS))


def _well_formed(digits: str) -> bool:
    return len(digits) == 4 and digits.isdigit()


class LookupThrottled(DomainError):
    """The address's look-up budget (`address`) is spent: nothing was tried."""

    code = ErrorCode.THROTTLED
    status = 429

    def __init__(self, wait: int) -> None:
        self.wait = wait
        super().__init__(
            _("Too many look-ups from this connection. Try again in %(seconds)s seconds.")
            % {"seconds": wait},
            extra={"retry_after": wait},
        )


def address_budget(ident: str) -> Budget:
    """The look-up budget of one client address (`throttle_ident`), page and API together: the
    rate `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["lookup"]`, read at call time."""
    # Rates are written "30/min" (the stubs type them as numbers).
    limit, window = parse_rate(str(api_settings.DEFAULT_THROTTLE_RATES["lookup"]))
    return Budget("lookup", ident, limit, window)


def dossier_lookup_guarded(
    *, code: str, phone_last4: str, address: Budget | None = None
) -> Dossier:
    """`selectors.dossier_lookup` behind the per-code cool-down. Raises `LookupCooling` while
    the code cools down, `NotFound` for a wrong code or wrong digits (counted). `address`: the
    client address's look-up budget, counted first (in the same round trip to the cache as the
    code's turn): `LookupThrottled` when it is spent."""
    digits = (phone_last4 or "").strip()
    if not _well_formed(digits):
        # Cannot match anything: no guess was made, nothing to count but the request.
        if address is not None:
            wait = hit(address.scope, address.ident, limit=address.limit, window=address.window)
            if wait:
                raise LookupThrottled(wait)
        raise NotFound()
    cooldown = _cooldown()
    # The right digits record nothing, so they need not hold the code's turn: one round trip
    # counts the address and reads the code's tiers, and, with no attempt of the code in flight
    # and the code not cooling, the row read answers (issue 10: a look-up's second round trip,
    # and look-ups of one code waiting for each other). Wrong digits take the turn, as before.
    free, wait, throttled = cooldown.check(code, budget=address)
    if throttled:
        raise LookupThrottled(throttled)
    if free:
        if wait:
            raise LookupCooling(wait)
        try:
            return selectors.dossier_lookup(code=code, phone_last4=digits)
        except NotFound:
            pass  # judged again under the code's turn, where a wrong guess is counted
    with cooldown.attempt(code) as attempt:  # the address was counted above
        if attempt.wait:
            raise LookupCooling(attempt.wait)
        try:
            return selectors.dossier_lookup(code=code, phone_last4=digits)
        except NotFound:
            attempt.failed()
            if attempt.wait_now():
                # For the operators: a code under a guessing attack (a code is no personal data).
                logger.warning("look-up of dossier code %r cooling down after wrong digits", code)
            raise
