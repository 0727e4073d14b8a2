"""The states of a dossier and their groups, channels, return methods and regimes; the history's
append-only guards."""

import pgtrigger
from django.db import models
from django.utils.translation import gettext_lazy as _

# Decree 61/2018, art. 4 and Circular 03/2025 (form 06): the processing record of a dossier is
# kept whole. History rows are never changed or removed, and a dossier or report is closed,
# never deleted, so the database refuses it too, whoever connects (PostgreSQL triggers, installed
# by migrations; nothing on SQLite, where the models' own guards and PROTECT still hold).
APPEND_ONLY = pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
NEVER_DELETED = pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete)


class State(models.TextChoices):
    # Sent online; waiting for the desk to check it. Clock not started.
    SUBMITTED = "submitted", _("Submitted, waiting for the desk")
    # The desk refused to receive it, with the reason (form 03). Final.
    REFUSED = "refused", _("Refused at reception")
    # Accepted; receipt with appointment date issued (form 01). Clock running.
    RECEIVED = "received", _("Received")
    # A specialist is processing it. Clock running.
    IN_REVIEW = "in_review", _("Being processed")
    # The specialist proposed the result; a leader signs it or sends it back. Clock running.
    AWAITING_APPROVAL = "awaiting_approval", _("Waiting for the leader's signature")
    # The citizen was asked for missing or corrected documents (form 02). Clock stopped.
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Waiting for your documents")
    # The citizen was asked to pay a fee or financial obligation. Clock stopped.
    AWAITING_PAYMENT = "awaiting_payment", _("Waiting for payment")
    # Result issued. Clock stopped.
    RESOLVED = "resolved", _("Result ready")
    # Refused after processing, with a written reason. Clock stopped.
    REJECTED = "rejected", _("Rejected")
    # Processing stopped by notice, with the reason (form 05 of Circular 03/2025). Final.
    STOPPED = "stopped", _("Processing stopped")
    # The result reached the citizen (desk, electronic or post). Final.
    RETURNED = "returned", _("Result returned")
    # The citizen withdrew it. Final.
    WITHDRAWN = "withdrawn", _("Withdrawn")


_STATE_LABELS = dict(State.choices)


def state_label(value: str) -> str:
    """`Dossier.get_state_display()` for a state value, in the active language, without the
    model field's choices made hashable on every call (the public look-up's hot path; issue 10).
    An unknown value is given back as it is, as `get_state_display` does."""
    return str(_STATE_LABELS.get(value, value))


# The state groups, each defined once (here, beside the graph that uses them); the rest of the
# code reads them from here or from applications.workflow.
# The clock runs: received, being processed, waiting for the leader's signature.
CLOCK_RUNNING = (State.RECEIVED, State.IN_REVIEW, State.AWAITING_APPROVAL)
# The clock stands still while the citizen is waiting to act (documents, payment).
CLOCK_STOPPED_WAITING = (State.AWAITING_SUPPLEMENT, State.AWAITING_PAYMENT)
# Received and not finished: running or stopped.
PROCESSING = (*CLOCK_RUNNING, *CLOCK_STOPPED_WAITING)
# Open: waiting for the desk or being processed (the work queue).
OPEN_STATES = (State.SUBMITTED, *PROCESSING)
# Finished: judged early, on time or late (resolved or rejected; returned afterwards).
FINISHED_STATES = (State.RESOLVED, State.REJECTED, State.RETURNED)


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    DESK = "desk", _("At the desk")
    POST = "post", _("By post")


class ReturnMethod(models.TextChoices):
    DESK = "desk", _("At the desk")
    ELECTRONIC = "electronic", _("Electronically")
    POST = "post", _("By post")


class Regime(models.TextChoices):
    # Dossiers received before 1 July 2025 lived under Decree 61/2018 and Circular 01/2018.
    R2018 = "2018", _("Decree 61/2018 and Circular 01/2018")
    R2025 = "2025", _("Decree 118/2025 and Circular 03/2025")
