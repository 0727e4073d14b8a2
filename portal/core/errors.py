"""One error vocabulary: domain errors carry a stable code and a translatable message.

Views turn them into page messages, the API into `{"code", "detail"}` with a 4xx status
(portal/core/api.py), commands into a report.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "invalid"
    status = 400
    default_message = _("The request could not be completed.")

    def __init__(self, message=None, *, code: str | None = None, extra: dict | None = None):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.extra = extra or {}
        super().__init__(str(self.message))


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_message = _("You may not do this.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("This was just changed by someone else. Reload and try again.")


class InvalidTransition(Conflict):
    """The state machine refuses this step from the current state (`portal.core.workflow`)."""

    code = "invalid_transition"
    default_message = _("This step is not allowed in the current state.")


class Stale(Conflict):
    """The row changed since the user saw it (its version moved on)."""

    code = "conflict"


class BadAttachment(DomainError):
    code = "bad_attachment"
