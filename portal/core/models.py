"""The kernel's own table: one gapless counter per scope, unit and day (`sequences.py` uses it).

Registered under the `portal` app label (`portal/models.py` imports it). The unit is a plain
integer, not a foreign key: the kernel knows no domain, and a counter outlives nothing it names.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Counter(models.Model):
    """The last number issued for one key: a scope (`dossier-code`, `queue-ticket`,
    `report-code`), a unit's id and a day. Row-locked by `portal.core.sequences.next_number`."""

    scope = models.CharField(_("scope"), max_length=40)
    unit_id = models.BigIntegerField(_("unit"))
    day = models.DateField(_("day"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        constraints = [
            models.UniqueConstraint(fields=["scope", "unit_id", "day"], name="uniq_counter")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.unit_id} {self.day:%y%m%d} {self.last}"
