"""Accounts: citizens and staff, and the roles that scope staff to units."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A citizen or a member of staff. Staff powers come from `StaffRole` rows, never from flags."""

    phone = models.CharField(_("phone"), max_length=15, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        default="vi",
        choices=[("vi", "Tiếng Việt"), ("en", "English")],
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        # Vietnamese order: family and middle names (last_name) before the given name.
        full = f"{self.last_name} {self.first_name}".strip()
        return full or self.username


class Role(models.TextChoices):
    # Receives dossiers at the one-stop desk and returns results.
    CLERK = "clerk", _("Reception clerk")
    # Processes dossiers of the unit.
    SPECIALIST = "specialist", _("Specialist")
    # Approves and sees everything of the unit.
    LEADER = "leader", _("Unit leader")
    # Reads across the whole province (dashboards, every dossier).
    OFFICIAL = "official", _("Provincial official")


class StaffRole(models.Model):
    """A user's role in one unit. A user may hold several (e.g. clerk in two wards)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles")
    unit = models.ForeignKey(
        "procedures.Unit", on_delete=models.PROTECT, related_name="staff_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="uniq_staff_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


class Notification(models.Model):
    """The outbox: one row per notice, written in the transaction of the event it tells about
    and sent after commit by `portal.tasks.send_notification`. In-app notices are delivered by
    being stored; staff read them on the desk."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        INAPP = "inapp", _("In the portal")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        help_text=_("Empty for a citizen without an account: the address or phone is used."),
    )
    recipient_address = models.EmailField(_("e-mail address"), blank=True)
    recipient_phone = models.CharField(_("phone"), max_length=15, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    template = models.CharField(
        _("template"), max_length=60, help_text=_("Under templates/notifications/<language>/.")
    )
    context = models.JSONField(_("context"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=5, default="vi")
    dossier = models.ForeignKey(
        "applications.Dossier",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    dedupe_key = models.CharField(
        _("event key"),
        max_length=200,
        unique=True,
        help_text=_("One notice per event, recipient and channel: nobody is told twice."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "channel", "read_at"], name="notice_inbox"),
            models.Index(fields=["status", "updated_at"], name="notice_pending"),
            models.Index(fields=["dossier", "template"], name="notice_dossier"),
        ]

    def __str__(self) -> str:
        return f"{self.template} · {self.get_channel_display()} · {self.get_status_display()}"


class ExternalIdentity(models.Model):
    """A sign-in identity at an OpenID Connect provider (the national e-ID), linked to a user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="external_identities")
    provider = models.CharField(_("provider"), max_length=40)
    subject = models.CharField(
        _("subject"), max_length=255, help_text=_("The provider's stable `sub` claim.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="uniq_external_identity")
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.user_id}"
