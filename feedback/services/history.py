"""The report's side of the kernel's service skeleton (`portal.core.workflow`): its row lock,
its transition with the role check, its save and its history row."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from feedback import access
from feedback.errors import InvalidReport, InvalidTransition
from feedback.models import Report, ReportEvent
from portal.accounts.models import User
from portal.core import workflow
from portal.core.errors import PermissionDenied


def record(
    report: Report,
    *,
    action: str,
    from_state: str,
    actor: User | None,
    note: str = "",
    extra: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> ReportEvent:
    """Append the report's history row for this step."""
    return workflow.record(
        ReportEvent,
        subject_field="report",
        subject=report,
        action=action,
        from_state=from_state,
        actor=actor,
        note=note,
        extra=extra,
        at=at,
    )


def lock(report: Report) -> Report:
    """The report re-read under its row lock (only its row: a ward's reports go side by side)."""
    return workflow.lock(Report.objects.select_related("unit"), report.pk)


def save(report: Report, fields: list[str]) -> None:
    """Save the changed fields with the state, a new version and `updated_at`."""
    workflow.save_moved(report, fields)


def transition(report: Report, action: str, actor: User | None) -> str:
    """Check the role, then take the step (refused: `InvalidTransition`); the state before."""
    if actor is not None and not access.may(actor, action, report):
        raise PermissionDenied(_("You may not do this on this report."))
    return workflow.move(
        report,
        action,
        error=InvalidTransition,
        message=_("“%(action)s” is not allowed while the report is “%(state)s”."),
    )


def require(value: str | None, message: str) -> str:
    """`value` stripped; `InvalidReport(message)` if nothing is left."""
    value = (value or "").strip()
    if not value:
        raise InvalidReport(message)
    return value
