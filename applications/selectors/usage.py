"""The procedures a ward's residents actually use: counted from the dossiers the ward received
in the last 90 days (issue 13). Real counts only; a procedure with fewer than `MIN_SHOWN`
dossiers is left out, so a public page never points at one household's business."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import get_language

from applications.models import Dossier
from portal.accounts.models import User
from procedures.models import Unit

WINDOW_DAYS = 90
MIN_SHOWN = 3


@dataclass(frozen=True)
class Usage:
    code: str
    name_vi: str
    name_en: str
    count: int

    @property
    def name(self) -> str:
        if (get_language() or "vi").startswith("en"):
            return self.name_en or self.name_vi
        return self.name_vi


def most_used_procedures(
    *, unit: Unit, limit: int = 8, now: datetime | None = None
) -> tuple[list[Usage], datetime]:
    """The unit's most received procedures over the window (still in the catalogue), most used
    first, and the window's start; one query."""
    since = (now or timezone.now()) - timedelta(days=WINDOW_DAYS)
    rows = (
        Dossier.objects.filter(
            receiving_unit=unit,
            received_at__gte=since,
            procedure__current_version__isnull=False,
        )
        .values(
            "procedure__code",
            "procedure__current_version__name_vi",
            "procedure__current_version__name_en",
        )
        .annotate(n=Count("id"))
        .filter(n__gte=MIN_SHOWN)
        .order_by("-n", "procedure__code")[:limit]
    )
    return [
        Usage(
            code=row["procedure__code"],
            name_vi=row["procedure__current_version__name_vi"],
            name_en=row["procedure__current_version__name_en"] or "",
            count=row["n"],
        )
        for row in rows
    ], since


def last_ward_of(user: User | AnonymousUser) -> Unit | None:
    """The ward that received the signed-in resident's latest dossier (None if none)."""
    if not user.is_authenticated:
        return None
    dossier = (
        Dossier.objects.filter(applicant_user=user)
        .select_related("receiving_unit")
        .order_by("-id")
        .only("receiving_unit")
        .first()
    )
    return dossier.receiving_unit if dossier else None
