"""The procedure catalogue. A procedure changes over time; a dossier keeps its version."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from procedures.workingtime import ProcessingUnit


def _localised(obj, field: str) -> str:
    if (get_language() or "vi").startswith("en"):
        return getattr(obj, f"{field}_en") or getattr(obj, f"{field}_vi")
    return getattr(obj, f"{field}_vi")


# The fields that keep their own source (issue 11): the documents, the time and the fee.
SOURCED_FIELDS = ("documents", "processing", "fee")


class Level(models.TextChoices):
    # Decided by the ward or commune People's Committee.
    COMMUNE = "commune", _("Ward / commune")
    # Decided by a city (provincial) department; any ward centre may still receive it
    # (Decree 118/2025: reception regardless of administrative boundary within the province).
    PROVINCE = "province", _("City / province")


class OnlineLevel(models.TextChoices):
    # Decree 42/2022: full-process online (information, submission, processing, fees online).
    FULL = "full", _("Fully online")
    PARTIAL = "partial", _("Partly online")
    NONE = "none", _("At the desk only")
    # Issue 11: no public source states the level; never guessed.
    UNKNOWN = "", _("Unknown")


class ClockPolicy(models.TextChoices):
    # The waiting time is not charged to the office; the common default (Circular 03/2025 practice).
    RESUME = "resume", _("Resume: the deadline moves by the time the clock stood still")
    # Some procedures' own laws run the full time again from the complete dossier.
    RESTART = "restart", _("Restart: the full processing time runs again")


class Field(models.Model):
    """A field (lĩnh vực) such as civil status, certification, land."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=120, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["name_vi"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self, "name")


class Procedure(models.Model):
    """An administrative procedure by its national code; its content lives in versions."""

    code = models.CharField(
        _("national code"),
        max_length=20,
        unique=True,
        help_text=_("e.g. 1.001193 on the national portal"),
    )
    field = models.ForeignKey(Field, on_delete=models.PROTECT, related_name="procedures")
    level = models.CharField(_("level that decides"), max_length=10, choices=Level.choices)
    current_version = models.OneToOneField(
        "ProcedureVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]

    def __str__(self) -> str:
        version = self.current_version
        return f"{self.code} {version.name if version else ''}".strip()


class ProcedureVersion(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=500)
    name_en = models.CharField(_("name (English)"), max_length=500, blank=True)
    processing_unit = models.CharField(
        _("processing time unit"),
        max_length=20,
        blank=True,
        choices=[
            (ProcessingUnit.WORKING_DAYS, _("working days")),
            (ProcessingUnit.WORKING_HOURS, _("working hours")),
            (ProcessingUnit.SAME_DAY, _("same day")),
            (ProcessingUnit.CALENDAR_DAYS, _("calendar days")),
        ],
        help_text=_(
            "Empty when no public source states the time: the desk then sets the appointment."
        ),
    )
    processing_amount = models.DecimalField(
        _("processing time"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    cutoff = models.TimeField(
        _("same-day cut-off"),
        null=True,
        blank=True,
        help_text=_("Decree 23/2015, art. 7: received after 15:00, returned the next working day."),
    )
    clock_policy = models.CharField(
        _("when a stopped clock restarts"),
        max_length=10,
        choices=ClockPolicy.choices,
        default=ClockPolicy.RESUME,
    )
    processing_note = models.TextField(
        _("processing note"), blank=True, help_text=_("In Vietnamese; empty when unknown.")
    )
    processing_note_en = models.TextField(
        _("processing note (English)"),
        blank=True,
        help_text=_("The English version; the Vietnamese page never shows it."),
    )
    fee_vnd = models.PositiveIntegerField(_("fee (VND)"), null=True, blank=True)
    fee_note = models.TextField(_("fee note"), blank=True)
    online_level = models.CharField(
        _("online service level"),
        max_length=10,
        choices=OnlineLevel.choices,
        default=OnlineLevel.UNKNOWN,
        blank=True,
        help_text=_("Decree 42/2022; empty when no public source states it (shown as unknown)."),
    )
    authority_vi = models.CharField(
        _("deciding authority (Vietnamese)"), max_length=300, blank=True
    )
    authority_en = models.CharField(_("deciding authority (English)"), max_length=300, blank=True)
    legal_basis = models.TextField(
        _("legal basis"), blank=True, help_text=_("One instrument per line.")
    )
    certainty = models.CharField(_("source certainty"), max_length=12, blank=True)
    source = models.TextField(_("source"), blank=True)
    # Issue 11: the documents, the time and the fee each keep their own source. The catalogue
    # file names its sources per procedure record, not per field, so a field the record gives a
    # value for has the record's whole source list, as written; a field it leaves unknown has
    # none (null), and the page shows it as unknown.
    field_sources = models.JSONField(
        _("source of each field"),
        default=dict,
        blank=True,
        help_text=_(
            "The source of the documents, the processing time and the fee, each null when the "
            "field is unknown. The catalogue file names its sources per procedure, not per "
            "field: a known field has the procedure's whole source list."
        ),
    )
    content_hash = models.CharField(max_length=64, editable=False)
    # Folded names (no diacritics, lowercase) kept with the version, so that ranking a search
    # costs no text processing per request.
    name_folded = models.CharField(max_length=500, editable=False, default="")
    name_en_folded = models.CharField(max_length=500, editable=False, default="")
    search_text = models.TextField(
        editable=False, help_text="Name and field without diacritics, lowercase."
    )
    created_at = models.DateTimeField(_("valid from"), auto_now_add=True)

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="uniq_procedure_version"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"

    @property
    def name(self) -> str:
        return _localised(self, "name")

    @property
    def authority(self) -> str:
        return _localised(self, "authority")

    @property
    def legal_basis_lines(self) -> list[str]:
        return [line for line in self.legal_basis.splitlines() if line.strip()]

    @property
    def processing_note_shown(self) -> str:
        """The note in the reader's language: English only on the English page."""
        if (get_language() or "vi").startswith("en") and self.processing_note_en:
            return self.processing_note_en
        return self.processing_note

    @property
    def sources(self) -> dict[str, str | None]:
        """Each sourced field's source, None where the field is unknown (never guessed)."""
        given = self.field_sources if isinstance(self.field_sources, dict) else {}
        # An administrator's hand-typed value is shown as text, never trusted to be a string.
        return {field: str(given.get(field) or "") or None for field in SOURCED_FIELDS}

    @property
    def has_processing_time(self) -> bool:
        return bool(self.processing_unit) and self.processing_amount is not None

    def clean(self) -> None:
        if bool(self.processing_unit) != (self.processing_amount is not None):
            raise ValidationError(_("Give both the processing time and its unit, or neither."))
        if self.processing_amount is not None and self.processing_amount <= 0:
            raise ValidationError({"processing_amount": _("The processing time must be positive.")})


class RequiredDocument(models.Model):
    class Kind(models.TextChoices):
        ORIGINAL = "original", _("Original")
        CERTIFIED_COPY = "certified_copy", _("Certified copy")
        COPY = "copy", _("Copy")
        FORM = "form", _("Declaration form")

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="documents"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=600)
    name_en = models.CharField(_("name (English)"), max_length=600, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    count = models.PositiveSmallIntegerField(_("number of copies"), default=1)
    required = models.BooleanField(
        _("always required"),
        default=True,
        help_text=_("Off for documents needed only in some cases (e.g. 'if acting by proxy')."),
    )
    condition = models.CharField(
        _("condition"),
        max_length=600,
        blank=True,
        help_text=_(
            "When the document is needed, in the source's words (e.g. 'khi xin cấp lại'); empty "
            "for a document always needed. Asking for papers beyond the procedure's list is "
            "prohibited (LEGAL.md, Reception): a conditional document is asked for only when "
            "the applicant or the clerk states that its condition applies."
        ),
    )
    template = models.FileField(_("form template"), upload_to="forms/", blank=True)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self, "name")
