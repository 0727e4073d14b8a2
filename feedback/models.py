"""Neighbourhood reports (phản ánh hiện trường): a resident tells the ward about the street.

The graph is declared here once (django-fsm-2 transitions on a protected field, like
`applications.models.Dossier`); `feedback/services/` locks the row, calls the transition,
writes the history row and writes the notices in the same transaction.

Routing (`feedback/routing.py`): a report goes to the ward or commune the reporter chose (API
clients pass the unit's GSO code, Open311 `jurisdiction_id`), else to the ward whose known area
holds its point, else to the city's triage desk (the province's unit), whose staff route it on
(`route`). The areas are Huế's 40 units' boundaries from a public source
(`feedback/data/SOURCE.md`).
"""

import pgtrigger
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from feedback.routing import RoutedBy

# Huế city's extent, rounded outwards (A Lưới in the west to Chân Mây - Lăng Cô in the south-east,
# Phong Điền to the north). A point outside it is not a place in Huế.
HUE_BBOX = {"south": 15.95, "west": 107.0, "north": 16.8, "east": 108.25}


class Category(models.TextChoices):
    """What the report is about; also the Open311 services (service_code = value)."""

    RUBBISH = "rubbish", _("Rubbish and environment")
    PAVEMENT = "pavement", _("Encroachment on pavements")
    SECURITY = "security", _("Security and order")
    # An emergency: the ward leader is told at once and the pick-up target is minutes.
    FIRE = "fire", _("Fire and rescue (emergency)")
    ROADS = "roads", _("Roads and street lighting")
    FLOODING = "flooding", _("Flooding")
    OTHER = "other", _("Other")


EMERGENCY_CATEGORIES = (Category.FIRE,)


class State(models.TextChoices):
    # Sent by the resident; nobody has picked it up yet. The pick-up target runs.
    NEW = "new", _("New")
    # Handed to a member of the ward's staff.
    ASSIGNED = "assigned", _("Assigned")
    # The assignee is on it (on site, or with the team that handles it).
    IN_PROGRESS = "in_progress", _("Being handled")
    # Handled; the answer is public. Final.
    RESOLVED = "resolved", _("Resolved")
    # Not handled, with the reason (duplicate, outside the ward's remit, not a real problem). Final.
    REJECTED = "rejected", _("Rejected")


OPEN_STATES = (State.NEW, State.ASSIGNED, State.IN_PROGRESS)
CLOSED_STATES = (State.RESOLVED, State.REJECTED)


class Channel(models.TextChoices):
    WEB = "web", _("Portal form")
    API = "api", _("Portal API")
    OPEN311 = "open311", _("Open311 client")


class Open311Key(models.Model):
    """A client allowed to post reports through Open311 (`api_key`, required for POST)."""

    key = models.CharField(_("API key"), max_length=64, unique=True)
    name = models.CharField(_("client"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Report(models.Model):
    code = models.CharField(
        _("tracking code"),
        max_length=40,
        unique=True,
        help_text=_("PA-<unit code>-<yymmdd>-<sequence>, never reused"),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"))
    unit = models.ForeignKey(
        "procedures.Unit",
        on_delete=models.PROTECT,
        related_name="feedback_reports",
        verbose_name=_("ward or commune"),
        help_text=_(
            "The unit that covers the place; the city's triage desk (the province) until it is "
            "routed, when the reporter named no ward."
        ),
    )
    routed_by = models.CharField(
        _("routed by"),
        max_length=10,
        choices=RoutedBy.choices,
        default=RoutedBy.CHOSEN,
        help_text=_("How the unit was found (feedback/routing.py)."),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    address = models.CharField(_("address or landmark"), max_length=300, blank=True)
    # Personal data: shown to the ward's staff only, never on public pages or Open311.
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=15, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_reports",
    )
    is_public = models.BooleanField(
        _("shown publicly"),
        default=True,
        help_text=_("On the public map and Open311 (never with the contact details)."),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    open311_key = models.ForeignKey(
        Open311Key, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    state = FSMField(
        _("state"), max_length=20, choices=State.choices, default=State.NEW, protected=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_feedback",
    )
    pickup_due_at = models.DateTimeField(
        _("to be picked up by"),
        help_text=_(
            "Same-day handling (Hue-S practice): 2 working hours after the report, "
            "15 minutes for an emergency; past it, the ward leader is told."
        ),
    )
    escalated_at = models.DateTimeField(_("leader told"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("closed"), null=True, blank=True)
    answer = models.TextField(
        _("answer"), blank=True, help_text=_("What was done (resolved) or why not (rejected).")
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 to 5, given once by the reporter after the answer."),
    )
    rating_comment = models.CharField(_("rating comment"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    rating_key = models.CharField(
        max_length=16, help_text="Given to the reporter only: lets them rate the answer."
    )
    submission_key = models.CharField(
        max_length=64,
        blank=True,
        help_text="Client token: a double-clicked submit makes one report. Unique per sender.",
    )
    submission_sender = models.CharField(
        max_length=80,
        blank=True,
        help_text="Whose submission key it is: `user:<id>` (signed in), `client:<digest>` (an "
        "anonymous browser, bound to its CSRF secret) or `anonymous` (the key alone proves "
        "nothing: a repeat must also give the rating key). See feedback/services.py.",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("reported"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("neighbourhood report")
        verbose_name_plural = _("neighbourhood reports")
        ordering = ["-created_at", "-id"]
        # Closed, never deleted; its history is append-only (see applications.models).
        triggers = [pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete)]
        indexes = [
            models.Index(fields=["unit", "state", "created_at"], name="feedback_queue"),
            models.Index(fields=["state", "pickup_due_at"], name="feedback_pickup"),
            models.Index(fields=["is_public", "created_at"], name="feedback_public"),
        ]
        constraints = [
            # A submission key is its sender's own (issue 8: replayed keys handed anonymous
            # callers other people's reports and rating keys).
            models.UniqueConstraint(
                fields=["submission_sender", "submission_key"],
                condition=~models.Q(submission_key=""),
                name="uniq_feedback_submission_key_per_sender",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_emergency(self) -> bool:
        return self.category in EMERGENCY_CATEGORIES

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    # --- Transitions: the whole graph. Services call them under a row lock. ---------------

    @transition(field=state, source=[State.NEW, State.ASSIGNED], target=State.ASSIGNED)
    def assign(self):
        """Handed (or handed again) to a member of the ward's staff."""

    @transition(field=state, source=State.NEW, target=State.NEW)
    def route(self):
        """The city's triage desk sends a report that named no ward to the ward that covers it."""

    @transition(field=state, source=State.ASSIGNED, target=State.IN_PROGRESS)
    def start(self):
        """The assignee is on it."""

    @transition(field=state, source=State.IN_PROGRESS, target=State.RESOLVED)
    def resolve(self):
        """Handled; the answer says what was done."""

    @transition(field=state, source=list(OPEN_STATES), target=State.REJECTED)
    def reject(self):
        """Not handled, with the reason."""


class ReportEvent(models.Model):
    """Append-only history of a report: one row per transition or notable step."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=200)
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)
    extra = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report history")
        ordering = ["at", "id"]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]
        indexes = [models.Index(fields=["report", "at"], name="feedback_event_at")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action} {self.at:%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Report history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Report history is append-only")


class ReportPhoto(models.Model):
    """A photo of the place (JPEG or PNG, checked by content). Staff only: faces and plates."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to="feedback/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
