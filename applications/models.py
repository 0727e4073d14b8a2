"""Dossiers (hồ sơ) as state machines, their history, clock stops and attachments.

The graph is declared here once (django-fsm-2 transitions); services in `services.py` lock the
row, call the transition, write the history row and queue side effects. Draw it with
`python manage.py graph_transitions applications.Dossier` (DOT on stdout; `-o dossier.png`
needs Graphviz's `dot` program).
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, transition

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


class Dossier(models.Model):
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("<unit code>-<yymmdd>-<sequence>, never reused"),
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, related_name="dossiers"
    )
    procedure_version = models.ForeignKey(
        "procedures.ProcedureVersion",
        on_delete=models.PROTECT,
        related_name="dossiers",
        help_text=_("The version it was received under; later changes do not apply to it."),
    )
    receiving_unit = models.ForeignKey(
        "procedures.Unit", on_delete=models.PROTECT, related_name="received_dossiers"
    )
    handling_unit = models.ForeignKey(
        "procedures.Unit",
        on_delete=models.PROTECT,
        related_name="handled_dossiers",
        help_text=_(
            "Decree 118/2025: any centre in the province receives; the competent unit decides."
        ),
    )
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers",
    )
    applicant_name = models.CharField(_("applicant"), max_length=200)
    applicant_id_number = models.CharField(_("citizen ID number"), max_length=12, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=15, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    state = FSMField(
        _("state"), max_length=30, choices=State.choices, default=State.SUBMITTED, protected=True
    )
    regime = models.CharField(
        _("legal regime"), max_length=4, choices=Regime.choices, default=Regime.R2025
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_dossiers",
    )
    fee_vnd = models.PositiveIntegerField(_("fee (VND)"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    received_at = models.DateTimeField(
        _("received"),
        null=True,
        blank=True,
        help_text=_("Normalised to working time (Decree 118/2025)."),
    )
    due_at = models.DateTimeField(
        _("due"),
        null=True,
        blank=True,
        help_text=_("The appointment of the receipt, moved only by clock stops."),
    )
    apology_due_at = models.DateTimeField(
        _("new appointment after apology"),
        null=True,
        blank=True,
        help_text=_("Form 04: set once, before the due moment; the dossier still counts as late."),
    )
    clock_stopped_at = models.DateTimeField(_("clock stopped since"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("result issued"), null=True, blank=True)
    returned_at = models.DateTimeField(_("result returned"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("flagged overdue"), null=True, blank=True)
    return_method = models.CharField(
        _("result returned"), max_length=12, choices=ReturnMethod.choices, blank=True
    )
    result_number = models.CharField(_("result document number"), max_length=60, blank=True)
    result_document = models.FileField(_("result document"), upload_to="results/%Y/%m/", blank=True)
    reason = models.TextField(_("reason (refusal, rejection, stop)"), blank=True)
    supplement_requests = models.PositiveSmallIntegerField(_("supplement requests"), default=0)
    legacy_code = models.CharField(
        _("code in the former system"), max_length=60, blank=True, db_index=True
    )
    legacy_unit = models.ForeignKey(
        "procedures.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legacy_dossiers",
    )
    is_transferred = models.BooleanField(_("inherited from a former unit"), default=False)
    submission_key = models.CharField(
        max_length=64,
        blank=True,
        help_text="Client token: a double-clicked submit makes one dossier. Unique per sender.",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who sent it (the citizen online, the clerk at the desk): a repeated "
        "submission key returns the dossier to this user only.",
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Bumped by every change; guards stale forms."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["due_at", "id"]
        triggers = [NEVER_DELETED]
        indexes = [
            models.Index(fields=["handling_unit", "state", "due_at"], name="dossier_queue"),
            models.Index(fields=["state", "due_at"], name="dossier_state_due"),
            models.Index(fields=["receiving_unit", "received_at"], name="dossier_received"),
            models.Index(fields=["assignee", "state", "due_at"], name="dossier_assignee"),
            # The work queue: a unit's open dossiers in due order, without reading closed ones.
            models.Index(
                fields=["handling_unit", "due_at", "id"],
                name="dossier_open_queue",
                condition=models.Q(state__in=list(OPEN_STATES)),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["legacy_unit", "legacy_code"],
                condition=~models.Q(legacy_code=""),
                name="uniq_legacy_code",
            ),
            # A submission key is the sender's own: another user's identical key is another
            # submission, never a way to read this dossier (issue 8).
            models.UniqueConstraint(
                fields=["submitted_by", "submission_key"],
                condition=~models.Q(submission_key=""),
                name="uniq_submission_key_per_sender",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def clock_running(self) -> bool:
        return self.state in CLOCK_RUNNING

    # --- Transitions: the whole graph. Services call them under a row lock. ---------------

    @transition(field=state, source=State.SUBMITTED, target=State.RECEIVED)
    def receive(self):
        """Form 01: a complete online dossier is accepted."""

    @transition(field=state, source=State.SUBMITTED, target=State.REFUSED)
    def refuse(self):
        """Form 03: outside the unit's remit or not receivable."""

    @transition(field=state, source=State.RECEIVED, target=State.IN_REVIEW)
    def start_review(self):
        """Handed to a specialist."""

    @transition(
        field=state, source=[State.RECEIVED, State.IN_REVIEW], target=State.AWAITING_SUPPLEMENT
    )
    def request_supplement(self):
        """Form 02: guided once, in full; the clock stops."""

    @transition(
        field=state,
        source=State.AWAITING_SUPPLEMENT,
        target=RETURN_VALUE(State.RECEIVED, State.IN_REVIEW),
    )
    def supplement(self):
        """The citizen supplied the documents; the clock runs again."""
        return State.IN_REVIEW if self.assignee_id else State.RECEIVED

    @transition(field=state, source=State.IN_REVIEW, target=State.AWAITING_PAYMENT)
    def request_payment(self):
        """A fee or financial obligation is due; the clock stops."""

    @transition(field=state, source=State.AWAITING_PAYMENT, target=State.IN_REVIEW)
    def confirm_payment(self):
        """Payment confirmed (desk or gateway); the clock runs again."""

    @transition(field=state, source=State.IN_REVIEW, target=State.RESOLVED)
    def resolve(self):
        """Result issued."""

    @transition(field=state, source=State.IN_REVIEW, target=State.AWAITING_APPROVAL)
    def propose(self):
        """The specialist proposes the result; a leader signs it (issue 11)."""

    @transition(field=state, source=State.AWAITING_APPROVAL, target=State.RESOLVED)
    def approve(self):
        """The leader signs the proposed result: issued, as by `resolve`."""

    @transition(field=state, source=State.AWAITING_APPROVAL, target=State.IN_REVIEW)
    def send_back(self):
        """The leader sends the proposal back to the specialist, with the reason."""

    @transition(field=state, source=State.IN_REVIEW, target=State.REJECTED)
    def reject(self):
        """Refused after processing, with a written reason."""

    @transition(field=state, source=list(PROCESSING), target=State.STOPPED)
    def stop(self):
        """Form 05 of 2025: processing stops by notice, with the reason."""

    @transition(field=state, source=[State.RESOLVED, State.REJECTED], target=State.RETURNED)
    def return_result(self):
        """The result reached the citizen."""

    @transition(field=state, source=[State.SUBMITTED, *PROCESSING], target=State.WITHDRAWN)
    def withdraw(self):
        """The citizen withdrew the request."""

    @transition(field=state, source=list(PROCESSING), target=RETURN_VALUE(*PROCESSING))
    def apologize(self):
        """Form 04: apology and new appointment; the state does not change."""
        return self.state

    @transition(field=state, source=list(PROCESSING), target=RETURN_VALUE(*PROCESSING))
    def transfer(self):
        """Decree 118/2025: routed to the competent unit; the state does not change."""
        return self.state


class DossierEvent(models.Model):
    """Append-only history: one row per transition or notable step (form 06, control sheet)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=30, blank=True)
    to_state = models.CharField(_("to"), max_length=30, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(
        _("by"), max_length=200, help_text=_("Name at the time, or 'system'.")
    )
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)
    extra = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier history")
        ordering = ["at", "id"]
        triggers = [APPEND_ONLY]
        indexes = [models.Index(fields=["dossier", "at"], name="event_dossier_at")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} {self.at:%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Dossier history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Dossier history is append-only")


class ClockStop(models.Model):
    """A time the clock stood still (supplement or payment request), with its reason."""

    class Kind(models.TextChoices):
        SUPPLEMENT = "supplement", _("Supplement request")
        PAYMENT = "payment", _("Payment request")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="clock_stops")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    reason = models.TextField(_("reason"))
    started_at = models.DateTimeField(_("stopped at"))
    ended_at = models.DateTimeField(_("restarted at"), null=True, blank=True)
    policy = models.CharField(_("policy applied"), max_length=10, blank=True)
    due_before = models.DateTimeField(_("due before the stop"), null=True, blank=True)
    due_after = models.DateTimeField(_("due after the restart"), null=True, blank=True)
    deadline = models.DateTimeField(
        _("answer expected by"),
        null=True,
        blank=True,
        help_text=_("When the citizen should answer."),
    )

    class Meta:
        verbose_name = _("clock stop")
        verbose_name_plural = _("clock stops")
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_clock_stop",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind} {self.started_at:%d/%m/%Y %H:%M}"


class Attachment(models.Model):
    class Purpose(models.TextChoices):
        APPLICATION = "application", _("Submitted document")
        SUPPLEMENT = "supplement", _("Supplemented document")
        SCAN = "scan", _("Scan made at the desk")
        RESULT = "result", _("Result")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "procedures.RequiredDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    file = models.FileField(_("file"), upload_to="dossiers/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class CodeCounter(models.Model):
    """The last sequence issued per unit and day; row-locked so codes have no gaps or duplicates."""

    unit = models.ForeignKey("procedures.Unit", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="uniq_code_counter")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day:%y%m%d} {self.last}"


# --- Queue tickets at the one-stop desk ------------------------------------------------------


class ServiceCounter(models.Model):
    """A reception point (quầy) of a unit's service centre; residents wait for it by number."""

    unit = models.ForeignKey(
        "procedures.Unit", on_delete=models.PROTECT, related_name="service_counters"
    )
    number = models.PositiveSmallIntegerField(_("counter number"))
    name = models.CharField(_("name"), max_length=120, blank=True)
    fields = models.ManyToManyField(
        "procedures.Field",
        blank=True,
        related_name="service_counters",
        verbose_name=_("fields served"),
        help_text=_("Leave empty: the counter serves every field."),
    )
    is_open = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("service counter")
        verbose_name_plural = _("service counters")
        ordering = ["unit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="uniq_counter_number"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.label}"

    @property
    def label(self) -> str:
        return _("Counter %(number)s") % {"number": self.number}


class TicketState(models.TextChoices):
    # Took a number at the kiosk; waiting to be called.
    WAITING = "waiting", _("Waiting")
    # Called to a counter (shown on the display); the resident is on the way.
    CALLED = "called", _("Called")
    # The resident is at the counter.
    SERVING = "serving", _("Being served")
    # Served. Final.
    DONE = "done", _("Done")
    # Called and did not come. Final.
    NO_SHOW = "no_show", _("Did not come")


class QueueTicket(models.Model):
    """A number taken at the kiosk; the moments recorded give the unit's waiting times."""

    unit = models.ForeignKey("procedures.Unit", on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField(_("day"))
    number = models.PositiveIntegerField(
        _("number"), help_text=_("From 1 each day per unit, without gaps or duplicates.")
    )
    field = models.ForeignKey(
        "procedures.Field",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        help_text=_("Empty: another matter, served by a counter of every field."),
    )
    counter = models.ForeignKey(
        ServiceCounter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        help_text=_("Set when a clerk calls the ticket."),
    )
    state = FSMField(
        _("state"),
        max_length=10,
        choices=TicketState.choices,
        default=TicketState.WAITING,
        protected=True,
    )
    issued_at = models.DateTimeField(_("issued"))
    called_at = models.DateTimeField(
        _("called"), null=True, blank=True, help_text=_("First call; the wait ends here.")
    )
    announced_at = models.DateTimeField(
        _("last announced"), null=True, blank=True, help_text=_("Last call or recall.")
    )
    recalls = models.PositiveSmallIntegerField(_("recalls"), default=0)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    served_at = models.DateTimeField(_("service started"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    dossier = models.ForeignKey(
        Dossier,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        help_text=_("The dossier received from this resident, if any."),
    )

    class Meta:
        verbose_name = _("queue ticket")
        verbose_name_plural = _("queue tickets")
        ordering = ["day", "unit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "day", "number"], name="uniq_ticket_number"),
        ]
        indexes = [
            models.Index(fields=["unit", "day", "state", "number"], name="ticket_queue"),
            models.Index(fields=["counter", "announced_at"], name="ticket_counter_announced"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day:%y%m%d} #{self.number}"

    @property
    def wait(self):
        """From the number taken to the first call."""
        return self.called_at - self.issued_at if self.called_at else None

    # --- Transitions. Services in applications/tickets.py call them under a row lock. -------

    @transition(field=state, source=TicketState.WAITING, target=TicketState.CALLED)
    def call(self):
        """A clerk called the number to a counter."""

    @transition(field=state, source=TicketState.CALLED, target=TicketState.CALLED)
    def recall(self):
        """The number is announced again; the wait already ended at the first call."""

    @transition(field=state, source=TicketState.CALLED, target=TicketState.SERVING)
    def serve(self):
        """The resident reached the counter."""

    @transition(
        field=state, source=[TicketState.CALLED, TicketState.SERVING], target=TicketState.DONE
    )
    def finish(self):
        """Served."""

    @transition(field=state, source=TicketState.CALLED, target=TicketState.NO_SHOW)
    def no_show(self):
        """Called and did not come."""


class TicketCounter(models.Model):
    """The last ticket number issued per unit and day; row-locked like `CodeCounter`."""

    unit = models.ForeignKey("procedures.Unit", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="uniq_ticket_counter")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day:%y%m%d} {self.last}"


# --- Citizen side: drafts, fees and ratings ---------------------------------------------------


class ApplicationDraft(models.Model):
    """An online application being filled in: saved as the citizen goes, resumed later."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts"
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "procedures.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(_("answers"), default=dict, blank=True)
    submission_key = models.CharField(max_length=64, unique=True)
    dossier = models.OneToOneField(
        Dossier, on_delete=models.SET_NULL, null=True, blank=True, related_name="draft"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("application draft")
        verbose_name_plural = _("application drafts")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.procedure_id} {self.updated_at:%d/%m/%Y}"


class DraftAttachment(models.Model):
    """A document uploaded into a draft: kept when another upload fails."""

    draft = models.ForeignKey(
        ApplicationDraft, on_delete=models.CASCADE, related_name="attachments"
    )
    document = models.ForeignKey(
        "procedures.RequiredDocument", on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(upload_to="drafts/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "document"], name="one_file_per_draft_document"
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class Payment(models.Model):
    """A fee payment through a gateway; the dossier moves on once, when it is confirmed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="payments")
    reference = models.CharField(_("payment reference"), max_length=40, unique=True)
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"))
    provider = models.CharField(_("gateway"), max_length=30)
    provider_transaction = models.CharField(_("gateway transaction"), max_length=80, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_transaction"],
                condition=~models.Q(provider_transaction=""),
                name="uniq_provider_transaction",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class PaymentCallback(models.Model):
    """Every callback or return from a gateway, valid or not: bad ones change nothing, stay here."""

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="callbacks"
    )
    kind = models.CharField(
        max_length=10, choices=[("return", "return"), ("ipn", "server-to-server")]
    )
    signature_valid = models.BooleanField()
    outcome = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        triggers = [APPEND_ONLY]

    def __str__(self) -> str:
        return f"{self.kind} {self.outcome}"


# The ratings and complaints live with the national scheme (issue 11); the signature delegation
# with the sign-off rule. Both modules are part of this app's models.
from applications.delegations import SignatureDelegation  # noqa: E402, F401
from applications.satisfaction import Complaint, NationalRating, Rating  # noqa: E402, F401
