"""The unit leader's answer to a complaint."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import access
from applications.errors import InvalidDossier
from applications.models import (
    Complaint,
)
from portal.accounts.models import User
from portal.core.errors import Conflict, PermissionDenied


@transaction.atomic
def complaint_answer(*, complaint: Complaint, leader: User, answer: str) -> Complaint:
    """The unit leader answers, once; the citizen reads the answer on the dossier page."""
    answer = (answer or "").strip()
    if not answer:
        raise InvalidDossier(_("Write the answer to the citizen."))
    complaint = Complaint.objects.select_for_update().select_related("dossier").get(pk=complaint.pk)
    if not access.may_answer_complaint(leader, complaint):
        raise PermissionDenied(_("Only a leader of the handling unit answers this complaint."))
    if complaint.status != Complaint.Status.OPEN:
        raise Conflict(_("This complaint has already been answered."))
    complaint.status = Complaint.Status.ANSWERED
    complaint.answer = answer[:8000]
    complaint.answered_by = leader
    complaint.answered_at = timezone.now()
    complaint.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    return complaint
