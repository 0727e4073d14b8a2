"""The steps every dossier write shares: the row lock, the transition with its role check, the
history row, and stopping or restarting the clock."""

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from applications import access, deadlines
from applications.errors import (
    InvalidDossier,
    InvalidTransition,
    StaleDossier,
)
from applications.models import (
    ClockStop,
    Dossier,
    DossierEvent,
)
from applications.workflow import EventType
from portal.accounts.models import User
from portal.core import workflow
from portal.core.errors import PermissionDenied
from procedures.services import working_calendar


def _actor_label(actor: User | None) -> str:
    return actor.display_name if actor is not None else "system"


def _record(
    dossier: Dossier,
    *,
    action: EventType,
    from_state: str,
    actor: User | None,
    note: str = "",
    extra: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> DossierEvent:
    return DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        from_state=from_state,
        to_state=dossier.state,
        actor=actor,
        actor_label=_actor_label(actor),
        at=at or timezone.now(),
        note=note,
        extra=extra or {},
    )


def _lock(dossier: Dossier, expected_version: int | None) -> Dossier:
    """Re-read the dossier under a row lock; refuse if it changed since the user saw it."""
    # Only the dossier's row is locked (portal/core/workflow.lock): the procedure version and
    # the unit it joins stay free, so the dossiers of one unit are handled side by side.
    locked = workflow.lock(
        Dossier.objects.select_related("procedure_version", "handling_unit"), dossier.pk
    )
    if expected_version is not None and locked.version != expected_version:
        who = locked.updated_by.display_name if locked.updated_by else _("someone else")
        raise StaleDossier(
            _("This dossier was just changed by %(who)s (now: %(state)s). Reload it and try again.")
            % {"who": who, "state": locked.get_state_display()}
        )
    return locked


def _save(dossier: Dossier, actor: User | None, fields: list[str]) -> None:
    if "resolved_at" in fields:
        # The working time it took goes with the result, in the calendar of the day.
        dossier.working_seconds = deadlines.working_seconds(
            working_calendar(dossier.handling_unit), dossier.received_at, dossier.resolved_at
        )
        fields = [*fields, "working_seconds"]
    dossier.version += 1
    dossier.updated_by = actor
    dossier.save(update_fields=[*fields, "state", "version", "updated_by", "updated_at"])


def _transition(
    dossier: Dossier, action: str, actor: User | None, *, check_role: bool = True
) -> str:
    """Check the role and the state, then move; returns the state before."""
    if check_role and actor is not None and not access.may(actor, action, dossier):
        raise PermissionDenied(_("You may not do this on this dossier."))
    method = getattr(dossier, action)
    if not can_proceed(method):
        raise InvalidTransition(
            _("“%(action)s” is not allowed while the dossier is “%(state)s”.")
            % {"action": action, "state": dossier.get_state_display()},
            extra={"state": dossier.state},
        )
    before: str = dossier.state
    method()
    return before


def _act(
    dossier: Dossier,
    action: str,
    actor: User | None,
    expected_version: int | None,
    *,
    note: str = "",
    extra: dict[str, Any] | None = None,
    **changes: Any,
) -> Dossier:
    """The common shape of an action: lock, check and move, set the fields, save, record."""
    dossier = _lock(dossier, expected_version)
    before = _transition(dossier, action, actor)
    for field, value in changes.items():
        setattr(dossier, field, value)
    _save(dossier, actor, list(changes))
    _record(
        dossier, action=EventType(action), from_state=before, actor=actor, note=note, extra=extra
    )
    return dossier


def _close_open_stops(dossier: Dossier, now: datetime) -> None:
    """A dossier that ends while its clock stands still closes the open stop."""
    dossier.clock_stops.filter(ended_at__isnull=True).update(ended_at=now)


def _require(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidDossier(message)
    return value


def _stop_clock(
    dossier: Dossier, kind: str, reason: str, now: datetime, deadline: datetime | None = None
) -> None:
    ClockStop.objects.create(
        dossier=dossier,
        kind=kind,
        reason=reason,
        started_at=now,
        due_before=dossier.due_at,
        deadline=deadline,
    )
    dossier.clock_stopped_at = now


def _restart_clock(dossier: Dossier, now: datetime) -> dict[str, Any]:
    """Apply the procedure's policy: resume (default) or restart (its own law)."""
    stop = dossier.clock_stops.select_for_update().filter(ended_at__isnull=True).first()
    version = dossier.procedure_version
    calendar = working_calendar(dossier.handling_unit)
    policy = deadlines.restart_policy(version)
    if dossier.due_at is not None and stop is not None:
        dossier.due_at = deadlines.due_after_stop(
            version, calendar, due_at=dossier.due_at, stopped_at=stop.started_at, now=now
        )
    if stop is not None:
        stop.ended_at = now
        stop.policy = policy
        stop.due_after = dossier.due_at
        stop.save(update_fields=["ended_at", "policy", "due_after"])
    dossier.clock_stopped_at = None
    return {"policy": policy, "due_at": dossier.due_at.isoformat() if dossier.due_at else None}


def _requested_documents(dossier: Dossier, documents: list[int] | None) -> list[dict[str, Any]]:
    """Form 02: the procedure's documents to supply, each with its form of copy and count.
    Only documents of the dossier's own version (asking beyond the list is prohibited)."""
    wanted = list(dict.fromkeys(documents or []))
    by_id = {d.pk: d for d in dossier.procedure_version.documents.filter(pk__in=wanted)}
    unknown = [pk for pk in wanted if pk not in by_id]
    if unknown:
        raise InvalidDossier(
            _("Document %(id)s is not part of this procedure.") % {"id": unknown[0]}
        )
    return [
        {"id": pk, "name": by_id[pk].name_vi, "kind": by_id[pk].kind, "count": by_id[pk].count}
        for pk in wanted
    ]
