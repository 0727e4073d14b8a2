"""Who signs a result: a leader of the handling unit (the Chairman or a Vice-Chairman of the
ward), or a specialist where the unit delegated that procedure's signature (issue 11, item 3).

The delegation is an administrator's setting (`/admin/`), per unit and procedure. Read by
`applications.access.may` for the actions that a row of `workflow.ACTIONS` marks `delegable_to`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SignatureDelegation(models.Model):
    """A unit lets its specialists issue the result of one procedure without a leader's
    signature (`resolve` directly instead of `propose` and `approve`)."""

    unit = models.ForeignKey(
        "procedures.Unit", on_delete=models.CASCADE, related_name="signature_delegations"
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.CASCADE, related_name="signature_delegations"
    )
    decision = models.CharField(
        _("delegation decision"),
        max_length=120,
        blank=True,
        help_text=_("The unit's written decision that delegates the signature (number, date)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "applications"
        verbose_name = _("signature delegation")
        verbose_name_plural = _("signature delegations")
        constraints = [
            models.UniqueConstraint(fields=["unit", "procedure"], name="uniq_signature_delegation")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} / {self.procedure_id}"


def signature_delegated(dossier) -> bool:
    """The handling unit delegated the signature of this dossier's procedure."""
    return SignatureDelegation.objects.filter(
        unit_id=dossier.handling_unit_id, procedure_id=dossier.procedure_id
    ).exists()
