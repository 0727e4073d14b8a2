"""The citizen's rating of a finished dossier; a dissatisfied one opens a complaint."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import access
from applications.models import (
    Complaint,
    Dossier,
    Rating,
)
from applications.workflow import FINISHED_STATES
from portal.accounts.models import User
from portal.core.errors import DomainError, ErrorCode, NotFound

# --- Ratings and complaints --------------------------------------------------------------------

CRITERIA = {
    "overall": gettext_lazy("Overall"),
    "time": gettext_lazy("Processing time"),
    "attitude": gettext_lazy("Staff attitude"),
    "guidance": gettext_lazy("Guidance"),
    "transparency": gettext_lazy("Transparency"),
}
# A rating of 1 or 2 out of 5 is "not satisfied" on the national service index (Decision
# 766/QĐ-TTg): it opens a complaint for the unit leader.
DISSATISFIED_AT_MOST = 2


class RatingError(DomainError):
    code = ErrorCode.RATING_NOT_ALLOWED


@transaction.atomic
def rating_submit(
    *, dossier: Dossier, user: User, scores: dict[str, Any], comment: str = ""
) -> Rating:
    """Once per dossier, by its applicant, after the result (resolved, rejected or returned)."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not access.is_applicant(user, dossier):
        raise NotFound()
    if dossier.state not in FINISHED_STATES:
        raise RatingError(_("You can rate the service once the result is issued."))
    if Rating.objects.filter(dossier=dossier).exists():
        raise RatingError(_("This dossier has already been rated. Thank you."))
    values = {}
    for key in CRITERIA:
        try:
            values[key] = int(scores.get(key, 0))
        except (TypeError, ValueError):
            values[key] = 0
        if not 1 <= values[key] <= 5:
            raise RatingError(_("Give every criterion a score from 1 to 5."))
    comment = (comment or "").strip()[:4000]
    try:
        with transaction.atomic():
            rating = Rating.objects.create(dossier=dossier, comment=comment, **values)
    except IntegrityError:
        raise RatingError(_("This dossier has already been rated. Thank you.")) from None
    if rating.overall <= DISSATISFIED_AT_MOST:
        Complaint.objects.create(
            dossier=dossier,
            rating=rating,
            text=comment or _("Not satisfied (no comment given)."),
        )
    return rating
