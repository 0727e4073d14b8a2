"""A dossier's clock stops (supplement and payment requests) and its attachments."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.models.dossiers import Dossier


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
