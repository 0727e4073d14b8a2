from datetime import time

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Province / centrally-run city")
    WARD = "ward", _("Ward")
    COMMUNE = "commune", _("Commune")
    SPECIAL_ZONE = "special_zone", _("Special zone")
    # A former district, ward or commune abolished on 1 July 2025 (Resolution 1675/NQ-UBTVQH15
    # for Huế). It only appears on dossiers imported from its old system.
    LEGACY = "legacy", _("Former unit")


COMMUNE_LEVEL_KINDS = (UnitKind.WARD, UnitKind.COMMUNE, UnitKind.SPECIAL_ZONE)


class Unit(models.Model):
    """An administrative unit with a stable short code used in dossier codes and URLs."""

    code = models.CharField(
        _("code"),
        max_length=60,
        unique=True,
        help_text=_(
            "Stable short code. Communes and wards: the GSO 5-digit code "
            "(Decision 19/2025/QĐ-TTg); "
            "former districts: their GSO 3-digit code; former wards and communes: their former "
            "district's code, a dot and their name (e.g. 475.phuong-kim-long)."
        ),
    )
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    legacy_level = models.CharField(
        _("former level"),
        max_length=10,
        blank=True,
        choices=[("district", _("district")), ("commune", _("ward or commune"))],
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    successors = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="predecessors",
        help_text=_("For a former unit: the units that took over its territory and dossiers."),
    )
    address = models.CharField(_("seat address"), max_length=200, blank=True)
    # Where the seat address comes from (its own source, not the unit's): an address with no
    # source is not shown as known. Empty address: the seat is unknown, never guessed.
    address_source = models.TextField(_("source of the seat address"), blank=True)
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    # Working time of the unit's service centre; both real one-stop systems default to
    # 07:00-11:30 and 13:30-17:00 (8 hours), and each province may set its own.
    morning_start = models.TimeField(_("morning opens"), default=time(7, 0))
    morning_end = models.TimeField(_("morning closes"), default=time(11, 30))
    afternoon_start = models.TimeField(_("afternoon opens"), default=time(13, 30))
    afternoon_end = models.TimeField(_("afternoon closes"), default=time(17, 0))
    source = models.TextField(_("source"), blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "vi").startswith("en") and self.name_en:
            return self.name_en
        return self.name_vi

    @property
    def is_commune_level(self) -> bool:
        return self.kind in COMMUNE_LEVEL_KINDS

    @property
    def work_periods(self) -> tuple[tuple[time, time], ...]:
        return ((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end))

    def clean(self) -> None:
        if not (self.morning_start < self.morning_end <= self.afternoon_start < self.afternoon_end):
            raise ValidationError(_("Working periods must be in order and must not overlap."))
        if self.kind == UnitKind.LEGACY and not self.legacy_level:
            raise ValidationError({"legacy_level": _("A former unit needs its former level.")})
