"""Reads of dossiers across a trust boundary: always through the actor's scope."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from applications import access, timeliness
from applications.models import Dossier
from applications.workflow import OPEN_STATES
from portal.accounts.models import User
from portal.core.compiled import CompiledRead
from portal.core.errors import NotFound


def _filtered(dossiers: QuerySet[Dossier], filters: dict[str, Any]) -> QuerySet[Dossier]:
    if filters.get("state"):
        dossiers = dossiers.filter(state__in=filters["state"].split(","))
    if filters.get("unit"):
        dossiers = dossiers.filter(handling_unit__code=filters["unit"])
    if filters.get("legacy_code"):
        dossiers = dossiers.filter(legacy_code=filters["legacy_code"])
    if filters.get("procedure"):
        dossiers = dossiers.filter(procedure__code=filters["procedure"])
    if filters.get("field"):
        dossiers = dossiers.filter(procedure__field__code=filters["field"])
    if filters.get("channel"):
        dossiers = dossiers.filter(channel=filters["channel"])
    if filters.get("assignee"):
        dossiers = dossiers.filter(assignee__username=filters["assignee"])
    overdue = filters.get("overdue")
    if overdue in ("true", "1", True):
        dossiers = dossiers.filter(timeliness.overdue_q(timezone.now()))
    elif overdue in ("false", "0", False):
        dossiers = dossiers.exclude(timeliness.overdue_q(timezone.now()))
    return dossiers.select_related(
        "procedure", "procedure_version", "handling_unit", "receiving_unit", "assignee"
    ).order_by("due_at", "id")


def dossier_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Dossier]:
    return _filtered(access.visible_dossiers(user), filters or {})


def work_queue(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Dossier]:
    """Open dossiers the user's units handle (waiting for the desk, or being processed),
    ordered by due moment. Dossiers a unit only received for another one are that one's work;
    they stay reachable through the look-up and the API list."""
    return _filtered(access.handled_dossiers(user), filters or {}).filter(state__in=OPEN_STATES)


def dossier_get(*, user: User, code: str) -> Dossier:
    dossier = (
        access.visible_dossiers(user)
        .select_related(
            "procedure", "procedure_version", "handling_unit", "receiving_unit", "assignee"
        )
        .filter(code=code)
        .first()
    )
    if dossier is None:
        raise NotFound()
    return dossier


# What the public look-up reads and shows (issue 10: a narrow row; `tests/perf` guards it).
LOOKUP_FIELDS = (
    "code",
    "state",
    "applicant_phone",
    "received_at",
    "due_at",
    "appointment_at",
    "apology_due_at",
    "clock_stopped_at",
    "resolved_at",
    "procedure_version__name_vi",
    "procedure_version__name_en",
    "handling_unit__name_vi",
    "handling_unit__name_en",
)

# The look-up runs on every request of the public page and API: its SQL is written once
# (portal/core/compiled.py), the same query as
# `Dossier.objects.select_related(...).only(...).filter(code=code).first()`.
_LOOKUP: CompiledRead[Dossier] = CompiledRead(
    lambda code: (
        Dossier.objects.select_related("procedure_version", "handling_unit")
        .only(*LOOKUP_FIELDS)
        .filter(code=code)
        .order_by("pk")[:1]
    )
)


def dossier_lookup(*, code: str, phone_last4: str) -> Dossier:
    """Public look-up by code and the last 4 digits of the phone; a wrong code and wrong digits
    look the same."""
    dossier = _LOOKUP.first(code)
    digits = (phone_last4 or "").strip()
    if (
        dossier is None
        or len(digits) != 4
        or not digits.isdigit()
        or not dossier.applicant_phone
        or not dossier.applicant_phone.endswith(digits)
    ):
        raise NotFound()
    return dossier
