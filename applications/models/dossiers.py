"""Dossiers (hồ sơ) as state machines, and their history (clock stops and attachments:
`dossier_parts.py`).

The graph is declared here once (django-fsm-2 transitions); services in `applications/services/`
lock the row, call the transition, write the history row and queue side effects. Draw it with
`python manage.py graph_transitions applications.Dossier` (DOT on stdout; `-o dossier.png`
needs Graphviz's `dot` program).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, transition

from applications.models.events import EventType
from applications.models.states import (
    APPEND_ONLY,
    CLOCK_RUNNING,
    CLOCK_STOPPED_WAITING,
    NEVER_DELETED,
    OPEN_STATES,
    PROCESSING,
    Channel,
    Regime,
    ReturnMethod,
    State,
)


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
    appointment_at = models.DateTimeField(
        _("appointment given at reception"),
        null=True,
        blank=True,
        help_text=_(
            "Form 01 (Circular 03/2025): the appointment printed on the receipt, stored at "
            "reception and never recomputed; clock stops move due_at, not this."
        ),
    )
    sets = models.PositiveSmallIntegerField(
        _("sets received"),
        null=True,
        blank=True,
        help_text=_(
            "Forms 01 and 07: the number of sets (bộ) of the dossier received; empty when not "
            "recorded (dossiers imported from a former unit)."
        ),
    )
    apology_due_at = models.DateTimeField(
        _("new appointment after apology"),
        null=True,
        blank=True,
        help_text=_("Form 04: set once, before the due moment; the dossier still counts as late."),
    )
    clock_stopped_at = models.DateTimeField(_("clock stopped since"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("result issued"), null=True, blank=True)
    # Set with `resolved_at` (`deadlines.working_seconds`); the dashboard's rollup sums it.
    working_seconds = models.PositiveIntegerField(
        _("working time to the result (seconds)"), null=True, blank=True, editable=False
    )
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
            models.Index(fields=["handling_unit", "state", "due_at", "id"], name="dossier_queue"),
            models.Index(fields=["state", "due_at"], name="dossier_state_due"),
            models.Index(fields=["receiving_unit", "received_at"], name="dossier_received"),
            models.Index(fields=["assignee", "state", "due_at"], name="dossier_assignee"),
            # The work queue: a unit's open dossiers in due order, without reading closed ones.
            models.Index(
                fields=["handling_unit", "due_at", "id"],
                name="dossier_open_queue",
                condition=models.Q(state__in=list(OPEN_STATES)),
            ),
            # The overdue sweep's candidates: running clocks not yet flagged, by due moment. A
            # sweep with nothing to do reads one index page, not the table (issue 10).
            models.Index(
                fields=["due_at"],
                name="dossier_overdue_watch",
                condition=models.Q(state__in=list(CLOCK_RUNNING), overdue_flagged_at__isnull=True),
            ),
            # The staff lists (issue 10): a unit's dossiers in due order, any state; and those
            # a unit received for another one (few), in the same order.
            models.Index(fields=["handling_unit", "due_at", "id"], name="dossier_handled_due"),
            # The dashboard's overdue list: clocks stopped after the due moment (few), in due
            # order, without reading every waiting dossier.
            models.Index(
                fields=["due_at", "id"],
                name="dossier_stopped_late",
                condition=models.Q(
                    state__in=list(CLOCK_STOPPED_WAITING), clock_stopped_at__gt=models.F("due_at")
                ),
            ),
            models.Index(
                fields=["receiving_unit", "due_at", "id"],
                name="dossier_received_elsewhere",
                condition=~models.Q(receiving_unit=models.F("handling_unit")),
            ),
            # The overdue lists (issue 10): a unit's running clocks in due order (late: the range
            # before now), and its waiting dossiers whose clock stopped after the due moment (or
            # never recorded a stop: late once the due moment passes), both read index only.
            models.Index(
                fields=["handling_unit", "due_at", "id"],
                name="dossier_running_due",
                condition=models.Q(state__in=list(CLOCK_RUNNING)),
            ),
            models.Index(
                fields=["handling_unit", "due_at", "id"],
                name="dossier_waiting_late",
                include=["clock_stopped_at"],
                condition=models.Q(state__in=list(CLOCK_STOPPED_WAITING))
                & (
                    models.Q(clock_stopped_at__gt=models.F("due_at"))
                    | models.Q(clock_stopped_at__isnull=True)
                ),
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

    # No index of its own: `event_dossier_at` (dossier, at) leads with it (issue 10: every index
    # is one more write per history row, and the sweep writes thousands at once).
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    action = models.CharField(_("action"), max_length=40, choices=EventType.choices)
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
