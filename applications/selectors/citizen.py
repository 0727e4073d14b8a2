"""The citizen's reads, scoped to the citizen: another person's draft or dossier is a 404."""

from django.db.models import QuerySet

from applications import access
from applications.models import (
    ApplicationDraft,
    Dossier,
)
from portal.accounts.identity import full_name_of
from portal.accounts.models import User
from portal.core.errors import NotFound
from procedures.models import Procedure

# --- Reads scoped to the citizen ---------------------------------------------------------------


def my_dossiers(*, user: User) -> QuerySet[Dossier]:
    return (
        access.visible_dossiers(user)
        .filter(applicant_user=user)
        .select_related("procedure_version", "handling_unit", "receiving_unit")
        .order_by("-submitted_at", "-id")
    )


def my_dossier(*, user: User, code: str) -> Dossier:
    dossier = my_dossiers(user=user).filter(code=code).first()
    if dossier is None:
        raise NotFound()
    return dossier


def my_drafts(*, user: User) -> QuerySet[ApplicationDraft]:
    """The user's unsent drafts, of procedures still published (a draft of a procedure
    withdrawn since cannot be completed: its pages answer 404)."""
    return (
        ApplicationDraft.objects.filter(
            user=user,
            dossier__isnull=True,
            at_desk=False,
            procedure__current_version__isnull=False,
        )
        .select_related("procedure__current_version", "unit")
        .order_by("-updated_at")
    )


def my_draft(*, user: User, pk: int) -> ApplicationDraft:
    draft = my_drafts(user=user).filter(pk=pk).first()
    if draft is None:
        raise NotFound()
    return draft


def sent_draft_dossier(*, user: User, pk: int) -> Dossier | None:
    """The dossier a draft of this user became, if it was sent already."""
    draft = (
        ApplicationDraft.objects.filter(user=user, pk=pk, dossier__isnull=False, at_desk=False)
        .select_related("dossier")
        .first()
    )
    return draft.dossier if draft else None


def open_draft_for(*, user: User, procedure: Procedure) -> ApplicationDraft | None:
    return my_drafts(user=user).filter(procedure=procedure).first()


def profile_prefill(user: User) -> dict[str, str]:
    """What an application starts with: the profile, and the address of the last application
    (the account has no address of its own)."""
    last = (
        Dossier.objects.filter(applicant_user=user).exclude(applicant_address="").order_by("-id")
    ).first()
    return {
        "applicant_name": full_name_of(user) or user.username,
        "applicant_phone": user.phone,
        "applicant_email": user.email,
        "applicant_address": last.applicant_address if last else "",
        "applicant_id_number": last.applicant_id_number if last else "",
    }
