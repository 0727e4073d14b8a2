from django.utils.translation import gettext_lazy as _

from portal.core.errors import Conflict, DomainError, ErrorCode


class InvalidTransition(Conflict):
    code = ErrorCode.INVALID_TRANSITION


class StaleDossier(Conflict):
    code = ErrorCode.CONFLICT


class DuplicateSubmission(Conflict):
    """A submission key used again where the dossier it made may not be shown."""

    code = ErrorCode.DUPLICATE_SUBMISSION


class MissingDocuments(DomainError):
    code = ErrorCode.MISSING_DOCUMENTS
    default_message = _("Some required documents are missing.")


class InvalidDossier(DomainError):
    code = ErrorCode.INVALID
