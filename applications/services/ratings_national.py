"""The applicant's rating on the national satisfaction scheme (issue 11, item 2; DESIGN.md
`POST /api/v1/dossiers/{code}/rating/`; the scheme and its bands:
`applications.models.satisfaction`).

Once per dossier, by its applicant, after the result (resolved, rejected or returned, as the
ward's own 1-5 rating). A poor band opens a complaint to the unit's leader (the leader's
complaints page) and the dossier's handler and leaders are told (notification outbox).
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, QuerySet
from django.utils.translation import gettext as _

from applications import access
from applications.models import Complaint, Dossier
from applications.models.satisfaction import (
    CRITERIA,
    MAXIMUM,
    SCORES,
    Band,
    NationalRating,
    band_of,
)
from applications.services import notices
from applications.services.ratings import RatingError
from applications.workflow import FINISHED_STATES, EventType
from portal.accounts.models import User
from portal.accounts.selectors import leaders_by_unit
from portal.core.errors import DomainError, ErrorCode, NotFound
from portal.core.time import when
from portal.notifications.services import notify_many

COMMENT = 4000


class NationalRatingError(RatingError):
    """Not the applicant, not finished yet, or rated already (the code of the quick rating)."""


class NationalRatingInvalid(DomainError):
    code = ErrorCode.INVALID_RATING


def check_criteria(criteria: object) -> dict[str, int]:
    """Exactly the nine criteria, each 0, 1 or 2."""
    if not isinstance(criteria, dict):
        raise NationalRatingInvalid(_("Give the nine criteria, each scored 0, 1 or 2."))
    unknown = sorted(set(criteria) - set(CRITERIA))
    missing = [key for key in CRITERIA if key not in criteria]
    if unknown or missing:
        raise NationalRatingInvalid(
            _("Give the nine criteria, each scored 0, 1 or 2."),
            extra={"missing": missing, "unknown": [str(key)[:40] for key in unknown[:9]]},
        )
    scores: dict[str, int] = {}
    for key in CRITERIA:
        value = criteria[key]
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCORES:
            raise NationalRatingInvalid(
                _("Each criterion is scored 0, 1 or 2."), extra={"criterion": key}
            )
        scores[key] = value
    return scores


def _handler(dossier: Dossier) -> User | None:
    """Who handled it: its assignee, else whoever issued the result."""
    if dossier.assignee_id:
        return dossier.assignee
    event = (
        dossier.events.filter(
            action__in=[EventType.RESOLVE, EventType.APPROVE, EventType.REJECT],
            actor__isnull=False,
        )
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    return event.actor if event else None


def _tell_handlers(dossier: Dossier, rating: NationalRating) -> int:
    version = dossier.procedure_version
    context = {
        "code": dossier.code,
        "score": rating.score,
        "maximum": MAXIMUM,
        "procedure_vi": version.name_vi,
        "procedure_en": version.name_en or version.name_vi,
        "rated": when(rating.created_at),
    }
    people = notices.handlers(
        assignee=_handler(dossier),
        leaders=leaders_by_unit([dossier.handling_unit_id])[dossier.handling_unit_id],
    )
    return notify_many(
        notices.staff_notice(
            user,
            template="national_rating_poor",
            event=f"national_rating_poor:{dossier.pk}",
            context=context,
            dossier_id=dossier.pk,
        )
        for user in people
    )


@transaction.atomic
def national_rating_submit(
    *, dossier: Dossier, user: User | AnonymousUser, criteria: object, comment: str = ""
) -> NationalRating:
    """The applicant's nine scores -> the total (of 18) and its band; once per dossier."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not access.is_applicant(user, dossier):
        raise NotFound()
    if dossier.state not in FINISHED_STATES:
        raise NationalRatingError(_("You can rate the service once the result is issued."))
    if NationalRating.objects.filter(dossier=dossier).exists():
        raise NationalRatingError(_("This dossier has already been rated. Thank you."))
    scores = check_criteria(criteria)
    if not isinstance(comment, str):
        raise NationalRatingInvalid(_("The comment is text."))
    comment = comment.strip()[:COMMENT]
    score = sum(scores.values())
    try:
        with transaction.atomic():
            rating = NationalRating.objects.create(
                dossier=dossier,
                criteria=scores,
                score=score,
                band=band_of(score),
                comment=comment,
                rated_by=user,
            )
    except IntegrityError:
        raise NationalRatingError(_("This dossier has already been rated. Thank you.")) from None
    if rating.band == Band.POOR:
        Complaint.objects.create(
            dossier=dossier,
            text=comment
            or _("Poor on the national satisfaction scheme: %(score)s of %(maximum)s.")
            % {"score": score, "maximum": MAXIMUM},
        )
        _tell_handlers(dossier, rating)
    return rating


def satisfaction_national(dossiers: QuerySet[Dossier]) -> dict[str, Any]:
    """DESIGN.md `satisfaction_national` of the stats: `{"rated", "average", "band"}` over the
    national ratings of `dossiers` (a queryset); the band of the average rounded half up, None
    when nobody rated."""
    figures = NationalRating.objects.filter(dossier__in=dossiers.values("pk")).aggregate(
        rated=Count("pk"), average=Avg("score")
    )
    if not figures["rated"]:
        return {"rated": 0, "average": None, "band": None}
    average = Decimal(str(figures["average"])).quantize(Decimal("0.1"), ROUND_HALF_UP)
    rounded = int(average.quantize(Decimal("1"), ROUND_HALF_UP))
    return {"rated": figures["rated"], "average": float(average), "band": str(band_of(rounded))}
