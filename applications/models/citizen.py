"""The citizen's side: online applications saved as drafts, ratings and complaints."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.models.dossiers import Dossier


class ApplicationDraft(models.Model):
    """An online application being filled in: saved as the citizen goes, resumed later."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts"
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "procedures.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(_("answers"), default=dict, blank=True)
    # A walk-in the desk could not receive yet (a bad scan, a wrong field): its scans and fields
    # are held here for the clerk's next try, never shown among the user's own drafts.
    at_desk = models.BooleanField(_("held at the desk"), default=False)
    submission_key = models.CharField(max_length=64, unique=True)
    dossier = models.OneToOneField(
        Dossier, on_delete=models.SET_NULL, null=True, blank=True, related_name="draft"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("application draft")
        verbose_name_plural = _("application drafts")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.procedure_id} {self.updated_at:%d/%m/%Y}"


class DraftAttachment(models.Model):
    """A document uploaded into a draft: kept when another upload fails."""

    draft = models.ForeignKey(
        ApplicationDraft, on_delete=models.CASCADE, related_name="attachments"
    )
    document = models.ForeignKey(
        "procedures.RequiredDocument", on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(upload_to="drafts/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "document"], name="one_file_per_draft_document"
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class Rating(models.Model):
    """The citizen's rating of a finished dossier, on the criteria the ward is judged on."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    overall = models.PositiveSmallIntegerField(_("overall (1-5)"))
    time = models.PositiveSmallIntegerField(_("processing time (1-5)"))
    attitude = models.PositiveSmallIntegerField(_("staff attitude (1-5)"))
    guidance = models.PositiveSmallIntegerField(_("guidance (1-5)"))
    transparency = models.PositiveSmallIntegerField(_("transparency (1-5)"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(overall__gte=1, overall__lte=5)
                & models.Q(time__gte=1, time__lte=5)
                & models.Q(attitude__gte=1, attitude__lte=5)
                & models.Q(guidance__gte=1, guidance__lte=5)
                & models.Q(transparency__gte=1, transparency__lte=5),
                name="rating_scores_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.overall}/5"


class Complaint(models.Model):
    """Opened by a dissatisfied rating (overall 1 or 2); the unit leader answers it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="complaints")
    rating = models.OneToOneField(
        Rating, on_delete=models.CASCADE, null=True, blank=True, related_name="complaint"
    )
    text = models.TextField(_("complaint"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.status}"
