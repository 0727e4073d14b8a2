from django.utils.translation import gettext_lazy as _

from portal.core.errors import Conflict, DomainError


class InvalidTransition(Conflict):
    code = "invalid_transition"


class StaleDossier(Conflict):
    code = "conflict"


class DuplicateSubmission(Conflict):
    """A submission key used again where the dossier it made may not be shown."""

    code = "duplicate_submission"


class MissingDocuments(DomainError):
    code = "missing_documents"
    default_message = _("Some required documents are missing.")


class InvalidDossier(DomainError):
    code = "invalid"
