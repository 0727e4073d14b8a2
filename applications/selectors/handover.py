"""Who a dossier can be handed to (`access.ASSIGNEE_ROLES` of its handling unit): its
specialists first, the least loaded first, then its leaders (issue 13: the list used to default
to the leader)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from applications import access
from applications.models import PROCESSING, Dossier
from portal.accounts.models import Role, StaffRole, User
from procedures.models import Unit


@dataclass(frozen=True)
class Candidate:
    user: User
    is_specialist: bool
    # Dossiers being processed (received and not finished) assigned to them, in every unit.
    load: int


def handover_candidates(*, unit: Unit) -> list[Candidate]:
    """The unit's active specialists by current load (fewest open dossiers first), then its
    leaders by load; one query, one row per person."""
    in_unit = StaffRole.objects.filter(user=OuterRef("pk"), unit=unit)
    load = (
        Dossier.objects.filter(assignee=OuterRef("pk"), state__in=PROCESSING)
        .order_by()
        .values("assignee")
        .annotate(n=Count("pk"))
        .values("n")
    )
    users = (
        User.objects.filter(is_active=True)
        .filter(Exists(in_unit.filter(role__in=list(access.ASSIGNEE_ROLES))))
        .annotate(
            is_specialist=Exists(in_unit.filter(role=Role.SPECIALIST)),
            load=Coalesce(Subquery(load, output_field=IntegerField()), Value(0)),
        )
        .order_by(F("is_specialist").desc(), "load", "last_name", "first_name", "username")
    )
    return [Candidate(user=u, is_specialist=u.is_specialist, load=u.load) for u in users]
