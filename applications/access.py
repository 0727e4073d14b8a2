"""Who may see a dossier and who may act on it: scoped to the user's units and roles.

A user who may not see a dossier gets 404 everywhere, never a hint that it exists.
"""

from django.db.models import Q, QuerySet

from applications import workflow
from applications.delegations import signature_delegated
from applications.models import Dossier
from portal.accounts.models import Role

# Which roles may take each action (besides a superuser), from workflow.ACTIONS. "citizen" is
# the applicant.
ACTION_ROLES: dict[str, frozenset[str]] = {name: a.roles for name, a in workflow.ACTIONS.items()}
ACTIONS = tuple(workflow.ACTIONS)


def _roles(user) -> list[tuple[int, str]]:
    if not hasattr(user, "_motcua_roles"):
        user._motcua_roles = list(user.staff_roles.values_list("unit_id", "role"))
    return user._motcua_roles


def is_staff_member(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(_roles(user)))


def visible_dossiers(user) -> QuerySet[Dossier]:
    dossiers = Dossier.objects.all()
    if not user.is_authenticated:
        return dossiers.none()
    if user.is_superuser or any(role == Role.OFFICIAL for _, role in _roles(user)):
        return dossiers
    units = {unit for unit, role in _roles(user)}
    return dossiers.filter(
        Q(handling_unit_id__in=units) | Q(receiving_unit_id__in=units) | Q(applicant_user=user)
    )


def handled_dossiers(user) -> QuerySet[Dossier]:
    """The dossiers the user's units handle: their work queue (officials: all of them)."""
    dossiers = Dossier.objects.all()
    if not user.is_authenticated:
        return dossiers.none()
    if user.is_superuser or any(role == Role.OFFICIAL for _, role in _roles(user)):
        return dossiers
    return dossiers.filter(handling_unit_id__in={unit for unit, _ in _roles(user)})


# The receiving desk's own steps. Staff of a receiving unit that does not handle the dossier (it
# received for another unit, or transferred it away) take only these; otherwise they read it.
RECEPTION_ACTIONS = frozenset({"receive", "refuse"})


def roles_on(user, dossier: Dossier, action: str | None = None) -> set[str]:
    """The user's roles on this dossier: the handling unit's staff roles (and the receiving
    unit's, for its reception steps), and "citizen" for its applicant."""
    if not user.is_authenticated:
        return set()
    units = {dossier.handling_unit_id}
    if action is None or action in RECEPTION_ACTIONS:
        units.add(dossier.receiving_unit_id)
    roles = {str(role) for unit, role in _roles(user) if role != Role.OFFICIAL and unit in units}
    if dossier.applicant_user_id == user.pk:
        roles.add(workflow.APPLICANT)
    return roles


def may(user, action: str, dossier: Dossier) -> bool:
    """The one role check of a dossier action: the user's roles on this dossier (its units'
    staff roles, or its applicant) against the action's roles in workflow.ACTIONS; a role the
    row lists in `delegable_to` only where the unit delegated the procedure's signature."""
    if user.is_authenticated and user.is_superuser:
        return True
    row = workflow.ACTIONS[action]
    roles = roles_on(user, dossier, action)
    if roles & row.roles:
        return True
    return bool(roles & row.delegable_to) and signature_delegated(dossier)


def available_actions(user, dossier: Dossier) -> list[str]:
    """The actions this user may take on this dossier now, and nothing else."""
    allowed_now = {t.name for t in dossier.get_available_state_transitions()}
    return [a for a in ACTIONS if a in allowed_now and may(user, a, dossier)]
