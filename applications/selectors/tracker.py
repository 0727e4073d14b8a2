"""Where a dossier stands, for its applicant: the steps (received, in review, waiting for you,
signed, ready, returned), the one it is at, and what comes next with its date, in plain words.

Read from the dossier's state and its history rows (already loaded by the page: no query here).
A step is reached when its history row exists; "waiting for you" is shown only when the office
has asked the applicant for something. A dossier that ended otherwise (refused, rejected,
stopped, withdrawn) shows the steps it reached, then how it ended.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from applications.models import ClockStop, Dossier, DossierEvent, State
from applications.models.events import EventType

DONE, CURRENT, UPCOMING = "done", "current", "upcoming"

LABELS = {
    "received": _("Received by the desk"),
    "in_review": _("Being processed"),
    "waiting": _("Waiting for you"),
    "signed": _("Signed by the leader"),
    "ready": _("Result ready"),
    "returned": _("Result handed over"),
}
# The history rows that reach each step (the latest one dates it).
REACHED_BY = {
    "received": {EventType.RECEIVE, EventType.IMPORT_BACKLOG},
    "in_review": {EventType.START_REVIEW},
    "waiting": {EventType.REQUEST_SUPPLEMENT, EventType.REQUEST_PAYMENT},
    "signed": {EventType.APPROVE, EventType.RESOLVE},
    "ready": {EventType.APPROVE, EventType.RESOLVE},
    "returned": {EventType.RETURN_RESULT},
}
# The step a dossier stands at, by state (the finished-otherwise states have none).
AT = {
    State.SUBMITTED: "received",
    State.RECEIVED: "received",
    State.IN_REVIEW: "in_review",
    State.AWAITING_SUPPLEMENT: "waiting",
    State.AWAITING_PAYMENT: "waiting",
    State.AWAITING_APPROVAL: "signed",
    State.RESOLVED: "ready",
    State.RETURNED: "returned",
}
ORDER = ("received", "in_review", "waiting", "signed", "ready", "returned")


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    status: str  # done, current or upcoming
    at: datetime | None  # when it was reached, if it was


@dataclass(frozen=True)
class Tracker:
    steps: list[Step]
    # What comes next, in plain words, and its date when one is known (None: no date is known).
    next_text: str
    next_at: datetime | None
    # How a dossier that ended otherwise ended (its state's label), else "".
    ended: str


def _reached(events: Iterable[DossierEvent]) -> dict[str, datetime]:
    reached: dict[str, datetime] = {}
    for event in events:
        for key, actions in REACHED_BY.items():
            if event.action in actions:
                reached[key] = event.at  # events come in order: the latest wins
    return reached


def tracker(
    dossier: Dossier, events: Iterable[DossierEvent], supplement: ClockStop | None = None
) -> Tracker:
    reached = _reached(events)
    at = AT.get(State(dossier.state))
    keys = [k for k in ORDER if k != "waiting" or "waiting" in reached or at == "waiting"]
    if at is None:  # refused, rejected, stopped or withdrawn: what it reached, then the end
        steps = [Step(k, str(LABELS[k]), DONE, reached[k]) for k in keys if k in reached]
        ended = dossier.get_state_display()
        return Tracker(steps, "", None, str(ended))
    if "waiting" in keys and at != "waiting" and keys.index("waiting") > keys.index(at):
        # The applicant answered and processing went on: their part is behind them, done.
        keys.remove("waiting")
        keys.insert(keys.index(at), "waiting")
    position = keys.index(at)
    steps = []
    for index, key in enumerate(keys):
        if index < position:
            status = DONE
        elif index == position:
            status = CURRENT
        else:
            status = UPCOMING
        when = reached.get(key) if status != UPCOMING else None
        if dossier.state == State.SUBMITTED or (status == CURRENT and key == "signed"):
            when = None  # not reached yet: waiting for the desk, or for the signature
        steps.append(Step(key, str(LABELS[key]), status, when))
    text, date = _next(dossier, supplement)
    return Tracker(steps, text, date, "")


def _next(dossier: Dossier, supplement: ClockStop | None) -> tuple[str, datetime | None]:
    due = dossier.apology_due_at or dossier.due_at
    state = dossier.state
    if state == State.SUBMITTED:
        return gettext(
            "Next: the desk checks your dossier during working hours and receives it."
        ), None
    if state in (State.RECEIVED, State.IN_REVIEW):
        return gettext("Next: a specialist processes it. Result expected by:"), due
    if state == State.AWAITING_SUPPLEMENT:
        deadline = supplement.deadline if supplement else None
        if deadline:
            return gettext("Next: send the documents asked for, by:"), deadline
        return gettext("Next: send the documents asked for. The clock waits for you."), None
    if state == State.AWAITING_PAYMENT:
        return gettext("Next: pay the fee. Processing continues once it is paid."), None
    if state == State.AWAITING_APPROVAL:
        return gettext("Next: the leader signs the result. Result expected by:"), due
    if state == State.RESOLVED:
        return gettext("Next: collect your result at the desk, or download it here if it is sent "
                 "electronically."), None  # fmt: skip
    return gettext("Finished: the result was handed over on:"), dossier.returned_at
