"""The national satisfaction scheme (issue 11, item 2; LEGAL.md "Satisfaction"): nine criteria,
each scored 2, 1 or 0, out of 18, in five bands. The ward's own quick 1-5 rating
(`applications.models.Rating`) stays beside it.

Bands (LEGAL.md: "above 15 excellent, 12-15 good, 9-12 fair, 6-9 average, below 6 poor"). The
ranges share their ends (12, 9); a shared end belongs to the higher band, as "12-15 good" and
"above 15" read: 16-18 excellent, 12-15 good, 9-11 fair, 6-8 average, 0-5 poor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# The nine criteria, in LEGAL.md's order: key -> question (the citizen's page and the API).
CRITERIA: dict[str, _StrPromise] = {
    "total_time": _("Total time to settle the dossier"),
    "office_time": _("Time taken by each office"),
    "contacts": _("Number of times you had to come or get in touch"),
    "offices": _("Number of offices you had to go to"),
    "one_stop": _("Everything handled at the one-stop desk"),
    "publicity": _("Procedure, fees and time published and followed"),
    "attitude": _("Staff attitude"),
    "complaints": _("Handling of your questions and complaints"),
    "online": _("Level of the online service"),
}
SCORES = (0, 1, 2)
MAXIMUM = 2 * len(CRITERIA)


class Band(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    AVERAGE = "average", _("Average")
    POOR = "poor", _("Poor")


# (lowest score of the band, band), highest first.
_BANDS = ((16, Band.EXCELLENT), (12, Band.GOOD), (9, Band.FAIR), (6, Band.AVERAGE), (0, Band.POOR))


def band_of(score: int) -> Band:
    """The band of a total out of 18 (a shared end belongs to the higher band)."""
    for lowest, band in _BANDS:
        if score >= lowest:
            return band
    raise ValueError(score)


class NationalRating(models.Model):
    """The applicant's rating of a dossier on the national scheme: once per dossier."""

    dossier = models.OneToOneField(
        "applications.Dossier", on_delete=models.CASCADE, related_name="national_rating"
    )
    criteria = models.JSONField(_("scores per criterion (0, 1 or 2)"))
    score = models.PositiveSmallIntegerField(_("score (of 18)"))
    band = models.CharField(_("band"), max_length=10, choices=Band.choices)
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "applications"
        verbose_name = _("national satisfaction rating")
        verbose_name_plural = _("national satisfaction ratings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=MAXIMUM),
                name="national_rating_score_0_to_18",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.score}/{MAXIMUM}"
