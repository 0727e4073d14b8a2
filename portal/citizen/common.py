"""What the citizen's pages share: the timeline's wording, the next step of each state, the
files an upload accepts."""

from django.utils.translation import gettext_lazy

from applications.models import State
from applications.workflow import INTERNAL_EVENTS, EventType

# What the citizen reads in the timeline; internal steps (a drafted apology, the overdue flag)
# are not shown.
EVENT_LABELS = {event.value: event.label for event in EventType if event not in INTERNAL_EVENTS}
NEXT_STEP = {
    State.SUBMITTED: gettext_lazy("The desk checks your dossier during working hours."),
    State.RECEIVED: gettext_lazy("Received: it is waiting for the specialist."),
    State.IN_REVIEW: gettext_lazy("A specialist is processing it."),
    State.AWAITING_SUPPLEMENT: gettext_lazy("Send the documents asked for: the clock waits."),
    State.AWAITING_PAYMENT: gettext_lazy("Pay the fee: processing continues once it is paid."),
    State.RESOLVED: gettext_lazy("The result is ready."),
    State.RETURNED: gettext_lazy("The result has been handed over."),
}
ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
