"""The dossier's vocabulary, declared once: its actions, its history's event types, its state
groups.

Everything else is derived from here: the API's per-action operations and request bodies
(`applications/api/views.py`), the role check (`applications/access.py`), the desk's buttons and
labels (`applications/views/desk.py`, `templates/desk/dossier.html`), the printed-form map
(`applications/documents/`) and the action runner (`applications/api/actions.py`). The graph
itself (which state allows which action) is the django-fsm transitions on `Dossier`.

Adding an action is one row in `ACTIONS` and one service in `services/`; the row names the
transition on `Dossier` (the graph), its `EventType` and its input serializer in
`api/action_inputs.py` (see CONTRIBUTING.md).
"""

from dataclasses import dataclass
from functools import cached_property

from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from applications.api import action_inputs as inputs
from applications.models import (
    CLOCK_RUNNING,
    CLOCK_STOPPED_WAITING,
    FINISHED_STATES,
    OPEN_STATES,
    PROCESSING,
    State,
)
from applications.models.events import EventType
from portal.accounts.models import Role

# The state groups are defined in models.py, beside the graph (the transitions use them), and
# read from here everywhere else.
__all__ = [
    "ACTIONS",
    "CLOCK_RUNNING",
    "CLOCK_STOPPED_WAITING",
    "FINISHED_STATES",
    "OPEN_STATES",
    "PROCESSING",
    "Action",
    "EventType",
    "State",
]

# The applicant (the citizen who submitted it online), as a "role" on their own dossier.
APPLICANT = "citizen"


# Steps of the office's own that the citizen's timeline does not show.
INTERNAL_EVENTS = frozenset({EventType.FLAG_OVERDUE, EventType.APOLOGY_DRAFT})


@dataclass(frozen=True)
class Action:
    """One thing a person does to a dossier: `POST /api/v1/dossiers/{code}/<name>/`, a button on
    the desk, a transition of the same name on `Dossier`, a history row of the same type."""

    name: str
    # The function in applications/services/ (by name: services import access, which reads
    # this table), or a dotted path to one in another module.
    service_name: str
    roles: frozenset[str]
    # The desk's button (imperative); the history says it with `EventType` (past).
    label: str
    input: type[inputs.ActionInputBase]
    # The printed form this step calls for (a slug of documents.FORMS), if any.
    form: str = ""
    # The notice templates it sends to the applicant (portal/notifications), if any.
    notices: tuple[str, ...] = ()
    # The desk: a secondary (grey) button for steps that end or hold back the dossier.
    secondary: bool = False
    # The desk: the label of the text box (reason or note), when it is not the plain one.
    text_label: str = ""
    # Roles that may take it only where the handling unit delegated the procedure's signature
    # (applications/models/delegations.py), besides `roles` who always may.
    delegable_to: frozenset[str] = frozenset()

    @cached_property
    def service(self):
        path = self.service_name
        return import_string(path if "." in path else f"applications.services.{path}")

    @property
    def fields(self) -> tuple[str, ...]:
        """The input's field names, in order (the desk draws one control for each)."""
        return tuple(self.input._declared_fields)

    @property
    def takes_reason(self) -> bool:
        return "reason" in self.input._declared_fields

    @property
    def reason_required(self) -> bool:
        return self.takes_reason and self.input._declared_fields["reason"].required

    @property
    def event(self) -> EventType:
        return EventType(self.name)


STAFF = frozenset({Role.CLERK, Role.SPECIALIST, Role.LEADER})
DESK = frozenset({Role.CLERK, Role.LEADER})
HANDLERS = frozenset({Role.SPECIALIST, Role.LEADER})
LEADER = frozenset({Role.LEADER})

_ROWS = (
    Action(
        "receive",
        "dossier_receive",
        DESK,
        _("Receive"),
        inputs.ReceiveInput,
        form="receipt",
        notices=("dossier_received",),
    ),
    Action(
        "refuse",
        "dossier_refuse",
        DESK,
        _("Refuse to receive"),
        inputs.RefuseInput,
        form="refusal",
        secondary=True,
    ),
    Action(
        "start_review",
        "dossier_start_review",
        STAFF,
        _("Hand to a specialist"),
        inputs.StartReviewInput,
    ),
    Action(
        "request_supplement",
        "dossier_request_supplement",
        STAFF,
        _("Ask for a supplement"),
        inputs.RequestSupplementInput,
        form="supplement",
        notices=("supplement_requested",),
        text_label=_("Which documents to supply or correct, and why"),
    ),
    Action(
        "supplement",
        "dossier_supplement",
        DESK | {APPLICANT},
        _("Record the supplement"),
        inputs.SupplementInput,
        text_label=_("What was handed in"),
    ),
    Action(
        "request_payment",
        "dossier_request_payment",
        HANDLERS,
        _("Ask for payment"),
        inputs.RequestPaymentInput,
    ),
    Action(
        "confirm_payment",
        "dossier_confirm_payment",
        DESK,
        _("Confirm payment"),
        inputs.ConfirmPaymentInput,
    ),
    Action(
        "propose",
        "dossier_propose",
        HANDLERS,
        _("Propose the result for signature"),
        inputs.ProposeInput,
    ),
    Action(
        "approve",
        "dossier_approve",
        LEADER,
        _("Sign and issue the result"),
        inputs.ResolveInput,
        notices=("result_ready",),
    ),
    Action(
        "send_back",
        "dossier_send_back",
        LEADER,
        _("Send back to the specialist"),
        inputs.SendBackInput,
        secondary=True,
        text_label=_("What to change, and why"),
    ),
    # A leader signs; a specialist issues directly only where the signature is delegated.
    Action(
        "resolve",
        "dossier_resolve",
        LEADER,
        _("Issue the result"),
        inputs.ResolveInput,
        notices=("result_ready",),
        delegable_to=frozenset({Role.SPECIALIST}),
    ),
    Action("reject", "dossier_reject", HANDLERS, _("Reject"), inputs.RejectInput, secondary=True),
    Action(
        "stop",
        "dossier_stop",
        frozenset({Role.LEADER}),
        _("Stop processing"),
        inputs.StopInput,
        form="stop",
        secondary=True,
    ),
    Action(
        "return_result",
        "dossier_return_result",
        DESK,
        _("Return the result"),
        inputs.ReturnResultInput,
    ),
    Action(
        "withdraw",
        "dossier_withdraw",
        DESK | {APPLICANT},
        _("Withdraw"),
        inputs.WithdrawInput,
        secondary=True,
    ),
    Action(
        "apologize",
        "dossier_apologize",
        HANDLERS,
        _("Apologise and set a new date"),
        inputs.ApologizeInput,
        form="apology",
        notices=("apology_issued",),
        secondary=True,
        text_label=_("Reason for the delay"),
    ),
    Action(
        "transfer",
        "dossier_transfer",
        DESK,
        _("Transfer to the competent unit"),
        inputs.TransferInput,
        secondary=True,
    ),
)
# Every action by name, in the desk's order.
ACTIONS: dict[str, Action] = {action.name: action for action in _ROWS}

# The body of the generic `POST /api/v1/dossiers/{code}/{action}/`: every action's fields.
AnyActionInput = inputs.union_of(action.input for action in _ROWS)
