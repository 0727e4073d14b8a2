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
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from applications import selectors
from applications.models import Dossier
from portal.core.errors import DomainError, ErrorCode, NotFound
from portal.core.throttling import Cooldown, parse_tiers

logger = logging.getLogger("motcua.lookup")


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


def dossier_lookup_guarded(*, code: str, phone_last4: str) -> Dossier:
    """`selectors.dossier_lookup` behind the per-code cool-down. Raises `LookupCooling` while
    the code cools down, `NotFound` for a wrong code or wrong digits (counted)."""
    digits = (phone_last4 or "").strip()
    if not _well_formed(digits):
        # Cannot match anything: no guess was made, nothing to count.
        raise NotFound()
    with _cooldown().attempt(code) as attempt:
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
