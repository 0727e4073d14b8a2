"""Errors of neighbourhood reports, in the portal's one vocabulary (portal/core/errors.py)."""

from django.utils.translation import gettext_lazy as _

from portal.core.errors import Conflict, DomainError, ErrorCode
from portal.core.errors import InvalidTransition as KernelInvalidTransition


class InvalidReport(DomainError):
    code = ErrorCode.INVALID
    default_message = _("The report could not be accepted.")


class InvalidTransition(KernelInvalidTransition):
    """The report's state machine refuses the step (raised by `portal.core.workflow.move`)."""


class RatingRefused(Conflict):
    code = ErrorCode.RATING_REFUSED
    default_message = _("This report cannot be rated now.")


class DuplicateSubmission(Conflict):
    """A submission key used again by someone who may not see the report it made."""

    code = ErrorCode.DUPLICATE_SUBMISSION
