"""Accounts: citizens and staff, and the roles that scope staff to units."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A citizen or a member of staff. Staff powers come from `StaffRole` rows, never from flags."""

    phone = models.CharField(_("phone"), max_length=15, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        default="vi",
        choices=[("vi", "Tiếng Việt"), ("en", "English")],
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        # Vietnamese order: family and middle names (last_name) before the given name.
        full = f"{self.last_name} {self.first_name}".strip()
        return full or self.username


class Role(models.TextChoices):
    # Receives dossiers at the one-stop desk and returns results.
    CLERK = "clerk", _("Reception clerk")
    # Processes dossiers of the unit.
    SPECIALIST = "specialist", _("Specialist")
    # Approves and sees everything of the unit.
    LEADER = "leader", _("Unit leader")
    # Reads across the whole province (dashboards, every dossier).
    OFFICIAL = "official", _("Provincial official")


class StaffRole(models.Model):
    """A user's role in one unit. A user may hold several (e.g. clerk in two wards)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles")
    unit = models.ForeignKey(
        "procedures.Unit", on_delete=models.PROTECT, related_name="staff_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="uniq_staff_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


class ExternalIdentity(models.Model):
    """A sign-in identity at an OpenID Connect provider (the national e-ID), linked to a user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="external_identities")
    provider = models.CharField(_("provider"), max_length=40)
    subject = models.CharField(
        _("subject"), max_length=255, help_text=_("The provider's stable `sub` claim.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="uniq_external_identity")
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.user_id}"
