"""Form 06 of 2025 (05 of 2018), the processing control sheet: one row per hand-over, with the
giver and the receiver of the dossier, when, the result of that step and a note (LEGAL.md, the
forms' table: "one row per hand-over: from, to, date and time, result of that step")."""

from django.utils import timezone
from django.utils.translation import gettext as _

from applications import timeliness
from applications.documents.common import EVENT_LABELS, JUDGED_ACTIONS, _events, _parse
from applications.models import Dossier, DossierEvent, State
from applications.workflow import EventType
from portal.accounts.models import User

# Steps that hand the dossier (or a request about it) to the applicant.
TO_APPLICANT = {
    EventType.REQUEST_SUPPLEMENT,
    EventType.REQUEST_PAYMENT,
    EventType.REFUSE,
    EventType.STOP,
    EventType.RETURN_RESULT,
    EventType.WITHDRAW,
    EventType.APOLOGIZE,
}
# Steps by which the applicant hands the dossier (or what was asked) back to the office.
FROM_APPLICANT = {EventType.SUBMIT, EventType.RECEIVE, EventType.SUPPLEMENT}
# Steps that end with a result for the desk to return.
TO_DESK = {EventType.RESOLVE, EventType.APPROVE, EventType.REJECT}
# Rows the timers write: not a hand-over, no giver or receiver.
NOT_HANDOVERS = {EventType.FLAG_OVERDUE, EventType.APOLOGY_DRAFT}


def _state_label(value: str) -> str:
    return str(State(value).label) if value in State.values else ""


def _names(events: list[DossierEvent]) -> dict[str, str]:
    usernames = {(e.extra or {}).get("assignee") for e in events} - {None}
    return {u.username: u.display_name for u in User.objects.filter(username__in=list(usernames))}


def _next_actor(events: list[DossierEvent], index: int, actions: set[str]) -> str:
    for event in events[index + 1 :]:
        if event.action in actions:
            return event.actor_label
    return ""


def _handover(
    dossier: Dossier,
    events: list[DossierEvent],
    index: int,
    names: dict[str, str],
    holder: str,
) -> tuple[str, str]:
    """The giver and the receiver of step `index`; "" where the history does not say yet."""
    event = events[index]
    action, actor, extra = event.action, event.actor_label, event.extra or {}
    applicant = dossier.applicant_name
    desk = _("The one-stop desk of %(unit)s") % {"unit": dossier.receiving_unit.name_vi}
    if action == EventType.IMPORT_BACKLOG:
        former = dossier.legacy_unit.name_vi if dossier.legacy_unit_id else ""
        return former, dossier.handling_unit.name_vi
    if action == EventType.SUBMIT:
        receiver = _next_actor(events, index, {EventType.RECEIVE, EventType.REFUSE})
        return applicant, receiver or desk
    if action in FROM_APPLICANT:
        # Received at the desk; supplied documents go to whoever holds the dossier.
        return applicant, actor if action == EventType.RECEIVE else (holder or actor)
    if action == EventType.CONFIRM_PAYMENT:
        return applicant, holder or actor
    if action == EventType.START_REVIEW:
        # The desk that holds the dossier hands it to the assignee (who may take it themself).
        return holder or actor, names.get(extra.get("assignee", ""), extra.get("assignee", ""))
    if action in TO_APPLICANT:
        return actor, applicant
    if action == EventType.PROPOSE:
        leader = _next_actor(events, index, {EventType.APPROVE, EventType.SEND_BACK})
        return actor, leader or _("The unit's leader (not yet signed)")
    if action == EventType.SEND_BACK:
        proposer = next(
            (e.actor_label for e in reversed(events[:index]) if e.action == EventType.PROPOSE), ""
        )
        return actor, proposer
    if action in TO_DESK:
        return actor, _next_actor(events, index, {EventType.RETURN_RESULT}) or desk
    if action == EventType.TRANSFER:
        return extra.get("from_unit_name", actor), extra.get("to_unit_name", "")
    return actor, holder


def control_sheet_rows(dossier: Dossier) -> list[dict]:
    """One row per hand-over: the giver and the receiver, when, the step and its result. A
    processing step is judged against the appointment in force when it happened (the
    receipt's, moved by clock stops): early / on time / late, by the same rule as the dossier's
    own timeliness (applications/timeliness.py)."""
    events = _events(dossier)
    names = _names(events)
    rows = []
    due = None
    holder = ""
    for index, event in enumerate(events):
        extra = event.extra or {}
        result = ""
        if event.action in JUDGED_ACTIONS and due is not None:
            word = timeliness.timeliness(
                state=State.RESOLVED,
                due_at=due,
                resolved_at=event.at,
                clock_stopped_at=None,
                now=event.at,
            )
            result = str(timeliness.LABELS[word])
        if event.action in ("receive", "supplement", "confirm_payment") and extra.get("due_at"):
            due = _parse(extra["due_at"]) or due
        if event.action == EventType.IMPORT_BACKLOG and due is None:
            due = dossier.appointment_at
        giver, receiver = ("", "")
        if event.action not in NOT_HANDOVERS:
            giver, receiver = _handover(dossier, events, index, names, holder)
            if receiver and receiver != dossier.applicant_name:
                holder = receiver
        rows.append(
            {
                "at": event.at,
                "action": str(EVENT_LABELS.get(event.action, event.action)),
                "from": _state_label(event.from_state),
                "to": _state_label(event.to_state),
                "giver": giver,
                "receiver": receiver,
                "actor": event.actor_label,
                "note": event.note,
                "result": result,
            }
        )
    return rows


def control_sheet(dossier: Dossier) -> dict:
    return {"rows": control_sheet_rows(dossier), "issued_at": timezone.now()}
