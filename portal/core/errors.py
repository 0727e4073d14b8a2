"""One error vocabulary: domain errors carry a stable code and a translatable message.

Views turn them into page messages, the API into `{"code", "detail"}` with a 4xx status
(portal/core/api.py), commands into a report. Every code the portal sends is a member of
`ErrorCode`: clients rely on these strings, so a member is never renamed or reused for another
meaning (tests/portal/test_error_codes.py checks the classes, the raise sites and the schema).
"""

from __future__ import annotations

from enum import StrEnum, unique
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


@unique
class ErrorCode(StrEnum):
    """Every `code` of an API error body, one member each.

    Shared on purpose (the same meaning in several domains, so several classes declare it):
    `INVALID` (the kernel's DomainError, InvalidDossier, InvalidReport, InvalidStatsQuery),
    `INVALID_TRANSITION` and `DUPLICATE_SUBMISSION` (dossiers and reports), `CONFLICT` (the
    kernel's Conflict and StaleDossier): `SHARED_CODES` below. A raise site may also pass a code
    of the enum (`code=ErrorCode.INVALID_QUERY`) to a class whose own code is more general.
    """

    # The kernel's family (portal/core/errors.py) and the API plumbing (portal/core/api.py).
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    CONFLICT = "conflict"
    BAD_ATTACHMENT = "bad_attachment"
    INVALID_QUERY = "invalid_query"
    INVALID_INPUT = "invalid_input"
    # DRF's own exceptions, as the API error handler passes them on.
    ERROR = "error"
    PARSE_ERROR = "parse_error"
    AUTHENTICATION_FAILED = "authentication_failed"
    NOT_AUTHENTICATED = "not_authenticated"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    THROTTLED = "throttled"
    # Middleware and sign-in (portal/middleware, portal/accounts).
    SERVICE_UNAVAILABLE = "service_unavailable"
    LOCKED_OUT = "locked_out"
    OTP_REQUIRED = "otp_required"
    OTP_INVALID = "otp_invalid"
    # Dossiers (applications).
    INVALID_TRANSITION = "invalid_transition"
    DUPLICATE_SUBMISSION = "duplicate_submission"
    MISSING_DOCUMENTS = "missing_documents"
    APPOINTMENT_REQUIRED = "appointment_required"
    FORM_UNAVAILABLE = "form_unavailable"
    BAD_PERIOD = "bad_period"
    RATING_NOT_ALLOWED = "rating_not_allowed"
    LOOKUP_COOLING_DOWN = "lookup_cooling_down"
    NO_COUNTER = "no_counter"
    SPEECH_UNAVAILABLE = "speech_unavailable"
    INVALID_RATING = "invalid_rating"
    INVALID_FORMAT = "invalid_format"
    INVALID_CHANNEL = "invalid_channel"
    TICKET_CONFLICT = "ticket_conflict"
    KIOSK_BUSY = "kiosk_busy"
    PAYMENT_NOT_DUE = "payment_not_due"
    PAYMENT_UNAVAILABLE = "payment_unavailable"
    ONLINE_PAYMENT_OFF = "online_payment_off"
    # Neighbourhood reports (feedback).
    RATING_REFUSED = "rating_refused"
    ALREADY_RATED = "already_rated"
    LOCATION_REQUIRED = "location_required"
    OUTSIDE_AREA = "outside_area"
    UNKNOWN_CATEGORY = "unknown_category"
    UNIT_REQUIRED = "unit_required"
    # The city's triage desk routes a report that is still with it, not one already at a ward.
    ALREADY_ROUTED = "already_routed"
    # Procedures, the working-day calendar and the statistics (procedures, portal/dashboard).
    IMPORT_FAILED = "import_failed"
    INVALID_DATE = "invalid_date"
    INVALID_PERIOD = "invalid_period"
    PERIOD_TOO_LONG = "period_too_long"
    INVALID_GROUP_BY = "invalid_group_by"
    UNKNOWN_UNIT = "unknown_unit"
    UNKNOWN_FIELD = "unknown_field"
    UNKNOWN_PROCEDURE = "unknown_procedure"
    NO_PROCESSING_TIME = "no_processing_time"


# The codes several DomainError classes declare on purpose (the enum's docstring says whose):
# the same meaning in each domain. Any other code is declared by one class at most.
SHARED_CODES = frozenset(
    {
        ErrorCode.INVALID,
        ErrorCode.INVALID_TRANSITION,
        ErrorCode.DUPLICATE_SUBMISSION,
        ErrorCode.CONFLICT,
    }
)


class DomainError(Exception):
    code: str = ErrorCode.INVALID
    status = 400
    default_message: str | _StrPromise = _("The request could not be completed.")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A class's `code` must be a member of ErrorCode: a string is turned into its member,
        and one outside the enum fails at import."""
        super().__init_subclass__(**kwargs)
        if "code" in cls.__dict__:
            cls.code = ErrorCode(cls.code)

    def __init__(
        self,
        message: str | _StrPromise | None = None,
        *,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.extra = extra or {}
        super().__init__(str(self.message))


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND
    status = 404
    default_message = _("Not found.")


class PermissionDenied(DomainError):
    code = ErrorCode.PERMISSION_DENIED
    status = 403
    default_message = _("You may not do this.")


class Conflict(DomainError):
    code = ErrorCode.CONFLICT
    status = 409
    default_message = _("This was just changed by someone else. Reload and try again.")


class InvalidTransition(Conflict):
    """The state machine refuses this step from the current state (`portal.core.workflow`)."""

    code = ErrorCode.INVALID_TRANSITION
    default_message = _("This step is not allowed in the current state.")


class Stale(Conflict):
    """The row changed since the user saw it (its version moved on)."""

    code = ErrorCode.CONFLICT


class BadAttachment(DomainError):
    code = ErrorCode.BAD_ATTACHMENT
