"""Fee payments and the gateway's callbacks."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.models.dossiers import Dossier
from applications.models.states import APPEND_ONLY


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
