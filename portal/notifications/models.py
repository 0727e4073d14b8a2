"""The notification outbox: one row per notice and channel, sent by a Celery task."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """The outbox: one row per notice, written in the transaction of the event it tells about
    and sent after commit by `portal.notifications.tasks.send_notification`. In-app notices are
    delivered by being stored; staff read them on the desk."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        INAPP = "inapp", _("In the portal")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # The foreign keys and the event key have no index of their own beyond those in `Meta`:
    # `notice_inbox` leads with the recipient, `notice_dossier` with the dossier, and the key's
    # uniqueness is one index without a LIKE twin (issue 10: the sweeps write thousands of rows).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_index=False,
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
        db_index=False,
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
        constraints = [models.UniqueConstraint(fields=["dedupe_key"], name="notice_once")]

    def __str__(self) -> str:
        return f"{self.template} · {self.get_channel_display()} · {self.get_status_display()}"
