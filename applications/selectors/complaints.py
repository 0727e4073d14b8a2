"""The complaints a unit leader reads: those about the dossiers of the leader's units."""

from django.db.models import QuerySet

from applications import access
from applications.models import (
    Complaint,
)
from portal.accounts.models import User


def leader_complaints(*, user: User, status: str = Complaint.Status.OPEN) -> QuerySet[Complaint]:
    """Complaints about the dossiers handled by the leader's units; nobody else's."""
    complaints = access.answerable_complaints(user).select_related(
        "dossier", "dossier__procedure_version", "dossier__handling_unit", "rating"
    )
    if status:
        complaints = complaints.filter(status=status)
    return complaints.order_by("created_at", "id")
