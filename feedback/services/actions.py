"""The ward's steps on a report (assign, start, resolve, reject), the triage desk's (route) and
the reporter's rating.

Each is one transaction on the kernel's skeleton (`portal.core.workflow`): the row locked, the
role checked and the transition taken, the fields saved with a new version, one history row.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback import access, notices
from feedback.errors import InvalidReport, RatingRefused
from feedback.models import Report, State
from feedback.routing import RoutedBy
from feedback.services.history import lock, record, require, save, transition
from portal.accounts.models import User
from portal.core.errors import ErrorCode, PermissionDenied
from procedures.models import Unit


@transaction.atomic
def report_assign(
    *, report: Report, actor: User | None, assignee: User | None, note: str = ""
) -> Report:
    """Hand the report to a member of the ward's staff (again, to hand it to someone else)."""
    report = lock(report)
    if assignee is None or not access.may_be_assigned(assignee, report):
        raise InvalidReport(_("The assignee must be a member of the ward's staff."))
    before = transition(report, "assign", actor)
    report.assignee = assignee
    fields = ["assignee"]
    if report.assigned_at is None:
        report.assigned_at = timezone.now()
        fields.append("assigned_at")
    save(report, fields)
    record(
        report,
        action="assign",
        from_state=before,
        actor=actor,
        note=note.strip(),
        extra={"assignee": assignee.username},
    )
    return report


@transaction.atomic
def report_start(*, report: Report, actor: User | None, note: str = "") -> Report:
    """The assignee is on it."""
    report = lock(report)
    before = transition(report, "start", actor)
    save(report, [])
    record(report, action="start", from_state=before, actor=actor, note=note.strip())
    return report


@transaction.atomic
def report_resolve(*, report: Report, actor: User | None, answer: str) -> Report:
    """Handled: the answer (what was done) is public and told to the reporter."""
    answer = require(answer, _("Say what was done: the reporter reads it."))
    report = lock(report)
    before = transition(report, "resolve", actor)
    return _close(report, before, actor, answer, "resolve")


@transaction.atomic
def report_reject(*, report: Report, actor: User | None, reason: str) -> Report:
    """Not handled, with the reason (public and told to the reporter)."""
    reason = require(reason, _("Give the reason for the rejection."))
    report = lock(report)
    before = transition(report, "reject", actor)
    return _close(report, before, actor, reason, "reject")


def _close(report: Report, before: str, actor: User | None, text: str, action: str) -> Report:
    report.answer = text
    report.resolved_at = timezone.now()
    save(report, ["answer", "resolved_at"])
    record(report, action=action, from_state=before, actor=actor, note=text)
    notices.tell_reporter(report)
    return report


@transaction.atomic
def report_route(
    *, report: Report, actor: User | None, unit: Unit | None, note: str = ""
) -> Report:
    """The city's triage desk sends a report that named no ward to the ward that covers the
    place (feedback/routing.py). The code and the pick-up target stay: the clock started when
    the resident reported."""
    if unit is None or not unit.is_commune_level:
        raise InvalidReport(
            _("Choose the ward or commune where it is."), code=ErrorCode.UNIT_REQUIRED
        )
    report = lock(report)
    if report.unit.is_commune_level:
        raise InvalidReport(_("This report is already with a ward."), code=ErrorCode.ALREADY_ROUTED)
    before = transition(report, "route", actor)
    old = report.unit.code
    report.unit = unit
    report.routed_by = RoutedBy.DESK
    save(report, ["unit", "routed_by"])
    record(
        report,
        action="route",
        from_state=before,
        actor=actor,
        note=note.strip(),
        extra={"from_unit": old, "to_unit": unit.code},
    )
    if report.is_emergency:
        notices.tell_leaders(report, event="feedback-emergency", template="feedback_emergency")
    return report


ACTION_SERVICES: dict[str, Callable[..., Report]] = {
    "route": report_route,
    "assign": report_assign,
    "start": report_start,
    "resolve": report_resolve,
    "reject": report_reject,
}


@transaction.atomic
def report_rate(
    *,
    report: Report,
    score: int,
    key: str = "",
    actor: User | AnonymousUser | None = None,
    comment: str = "",
) -> Report:
    """The reporter rates the answer once, 1 to 5, after it is resolved or rejected.

    The reporter proves it is them by the key given at submission (or by being the signed-in
    user who reported it): the tracking code alone is public and guessable."""
    report = lock(report)
    if not access.may_rate(actor, report, key):
        raise PermissionDenied(_("The rating key does not match this report."))
    if report.state not in (State.RESOLVED, State.REJECTED):
        raise RatingRefused(_("You can rate the answer once the report is closed."))
    if report.rating is not None:
        raise RatingRefused(_("This report was already rated."), code="already_rated")
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidReport(_("Give a rating from 1 to 5."))
    report.rating = score
    report.rating_comment = (comment or "").strip()[:500]
    report.rated_at = timezone.now()
    report.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    record(
        report,
        action="rate",
        from_state=report.state,
        actor=actor if access.is_reporter(actor, report) and isinstance(actor, User) else None,
        extra={"rating": score},
    )
    return report
