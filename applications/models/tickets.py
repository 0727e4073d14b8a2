"""Queue tickets: a unit's service counters, the tickets of the day and their counter."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from applications.models.dossiers import Dossier


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

    # --- Transitions. Services in applications/services/tickets.py call them under a row lock.

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


# --- Citizen side: drafts, fees and ratings ---------------------------------------------------
