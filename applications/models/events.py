"""The vocabulary of a dossier's history (`DossierEvent.action`), one table, in a module that
imports nothing of the app so the model can name it as its choices; `applications.workflow`
re-exports it beside the actions that write these rows."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """`DossierEvent.action`: every kind of history row. The label is the history's wording
    (desk, citizen timeline, control sheet form 06). Stored strings never change."""

    SUBMIT = "submit", _("Submitted")
    IMPORT_BACKLOG = "import_backlog", _("Taken over from the former unit")
    RECEIVE = "receive", _("Received at the desk")
    REFUSE = "refuse", _("Refused at reception")
    START_REVIEW = "start_review", _("Handed to the specialist")
    REQUEST_SUPPLEMENT = "request_supplement", _("Supplement requested")
    SUPPLEMENT = "supplement", _("Documents supplemented")
    REQUEST_PAYMENT = "request_payment", _("Payment requested")
    CONFIRM_PAYMENT = "confirm_payment", _("Payment confirmed")
    PROPOSE = "propose", _("Result proposed for signature")
    APPROVE = "approve", _("Result signed and issued")
    SEND_BACK = "send_back", _("Sent back to the specialist")
    RESOLVE = "resolve", _("Result issued")
    REJECT = "reject", _("Rejected after processing")
    STOP = "stop", _("Processing stopped")
    RETURN_RESULT = "return_result", _("Result returned")
    WITHDRAW = "withdraw", _("Withdrawn")
    APOLOGIZE = "apologize", _("Apology and new appointment")
    TRANSFER = "transfer", _("Transferred to the competent unit")
    # Written by the timers, not by a person.
    FLAG_OVERDUE = "flag_overdue", _("Flagged overdue")
    APOLOGY_DRAFT = "apology_draft", _("Apology drafted")
