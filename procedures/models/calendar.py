from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarException(models.Model):
    """A day the government moved: a compensatory day off, or a make-up working day.

    Public holidays themselves come from the `holidays` package (Labour Code 2019, art. 112);
    each year the Prime Minister may swap a weekday off for a working Saturday, and that swap is
    entered here by an administrator.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}: {self.name}"
