"""The gapless counter of dossier codes (one row per unit and day)."""

import pgtrigger
from django.db import models

# Decree 61/2018, art. 4 and Circular 03/2025 (form 06): the processing record of a dossier is
# kept whole. History rows are never changed or removed, and a dossier or report is closed,
# never deleted, so the database refuses it too, whoever connects (PostgreSQL triggers, installed
# by migrations; nothing on SQLite, where the models' own guards and PROTECT still hold).
APPEND_ONLY = pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
NEVER_DELETED = pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete)


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
