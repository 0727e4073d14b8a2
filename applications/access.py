"""The one home of every dossier, payment, print and counter permission: who may see a dossier,
act on it, be handed it, receive it at a unit's desk, print its forms or a unit's log, pay for it,
work a unit's queue counters, rate it, answer its complaints, and read the statistics; scoped to
the user's units and roles.

A user who may not see a dossier gets 404 everywhere, never a hint that it exists.
"""

import functools
import operator
from typing import NamedTuple, TypeGuard

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from applications import workflow
from applications.models import (
    Complaint,
    Dossier,
    NationalRating,
    Rating,
    ServiceCounter,
    SignatureDelegation,
)
from applications.models.delegations import signature_delegated
from portal.accounts.models import Role, User
from portal.accounts.roles import staff_roles
from portal.core.errors import PermissionDenied
from procedures.models import Unit

# Which roles may take each action (besides a superuser), from workflow.ACTIONS. "citizen" is
# the applicant.
ACTION_ROLES: dict[str, frozenset[str]] = {name: a.roles for name, a in workflow.ACTIONS.items()}
ACTIONS = tuple(workflow.ACTIONS)


# Read on every request of a signed-in user (the staff lists, the navigation): with the user by
# the session's or the token's read, else once per request (portal/accounts/roles.py; issue 10).
_roles = staff_roles


def staff_units(user) -> set[int]:
    """The units where the user holds any staff role (officials' province unit included)."""
    return {unit for unit, _role in _roles(user)}


def is_staff_member(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(_roles(user)))


class Scope(NamedTuple):
    """Which dossiers a user sees: every one, or those its units handle or received and those it
    applied for (`None` from `dossier_scope`: none at all)."""

    everything: bool
    units: frozenset[int]
    user_id: int | None


def dossier_scope(user) -> Scope | None:
    """The one rule of who sees a dossier, as values: `visible_dossiers` filters with it, and a
    read written in SQL (applications/selectors/detail.py) passes it as parameters."""
    if not user.is_authenticated:
        return None
    if user.is_superuser or any(role == Role.OFFICIAL for _, role in _roles(user)):
        return Scope(True, frozenset(), user.pk)
    return Scope(False, frozenset(unit for unit, role in _roles(user)), user.pk)


def visible_dossiers(user) -> QuerySet[Dossier]:
    dossiers = Dossier.objects.all()
    scope = dossier_scope(user)
    if scope is None:
        return dossiers.none()
    if scope.everything:
        return dossiers
    return dossiers.filter(
        Q(handling_unit_id__in=scope.units)
        | Q(receiving_unit_id__in=scope.units)
        | Q(applicant_user=user)
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


def roles_on(user, dossier: "Dossier | DossierRow", action: str | None = None) -> set[str]:
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


def may(user, action: str, dossier: "Dossier | DossierRow", delegated=signature_delegated) -> bool:
    """The one role check of a dossier action: the user's roles on this dossier (its units'
    staff roles, or its applicant) against the action's roles in workflow.ACTIONS; a role the
    row lists in `delegable_to` only where the unit delegated the procedure's signature
    (`delegated(dossier)`; a list passes the delegations it read once)."""
    if user.is_authenticated and user.is_superuser:
        return True
    row = workflow.ACTIONS[action]
    roles = roles_on(user, dossier, action)
    if roles & row.roles:
        return True
    return bool(roles & row.delegable_to) and delegated(dossier)


def available_actions(user, dossier: Dossier, delegated=signature_delegated) -> list[str]:
    """The actions this user may take on this dossier now, and nothing else."""
    transitions = dossier.get_available_state_transitions()  # type: ignore[attr-defined]  # django-fsm
    allowed_now = {t.name for t in transitions}
    return [a for a in ACTIONS if a in allowed_now and may(user, a, dossier, delegated)]


ROW_FIELDS = ("state", "handling_unit_id", "receiving_unit_id", "applicant_user_id", "procedure_id")


_shape = operator.itemgetter(*ROW_FIELDS)


class DossierRow(NamedTuple):
    """What the role check reads of a dossier (`ROW_FIELDS`): a page's row stands for the
    dossier without a model instance (about forty fields' defaults) built per row shape."""

    state: str
    handling_unit_id: int
    receiving_unit_id: int
    applicant_user_id: int | None
    procedure_id: int


@functools.cache
def _transitions_from(state: str) -> frozenset[str] | None:
    """The transitions django-fsm opens from `state`: the same for every dossier in that state
    while no transition has conditions; None if one has (then each dossier is asked)."""
    dossier = Dossier(state=state)
    if any(t.conditions for t in dossier.get_all_state_transitions()):  # type: ignore[attr-defined]  # django-fsm
        return None
    return frozenset(t.name for t in dossier.get_available_state_transitions())  # type: ignore[attr-defined]  # django-fsm


def _actions_of_row(user, row: DossierRow, delegated) -> list[str]:
    allowed_now = _transitions_from(row.state)
    if allowed_now is None:
        return available_actions(user, Dossier(**row._asdict()), delegated)
    return [a for a in ACTIONS if a in allowed_now and may(user, a, row, delegated)]


def available_actions_of_rows(user, rows: list[dict]) -> list[list[str]]:
    """`available_actions` for a page of plain rows (`ROW_FIELDS` of each): the same rule,
    worked out once per distinct row shape, the unit's delegations read at most once."""
    delegations: set[tuple[int, int]] | None = None

    def delegated(dossier: "Dossier | DossierRow") -> bool:
        nonlocal delegations
        if delegations is None:
            units = {row["handling_unit_id"] for row in rows}
            delegations = set(
                SignatureDelegation.objects.filter(unit_id__in=units).values_list(
                    "unit_id", "procedure_id"
                )
            )
        return (dossier.handling_unit_id, dossier.procedure_id) in delegations

    # Most rows share their answer with every row of the same state and units: the procedure
    # matters only where a delegation was looked at (then it is part of the key).
    by_state: dict[tuple, tuple[list[str], bool]] = {}
    by_procedure: dict[tuple, list[str]] = {}
    answers = []
    for row in rows:
        shape = _shape(row)
        common = shape[:-1]
        if common not in by_state:
            looked: list[bool] = []

            def probe(dossier: "Dossier | DossierRow", looked=looked) -> bool:
                looked.append(True)
                return delegated(dossier)

            found = _actions_of_row(user, DossierRow(*shape), probe)
            by_state[common] = (found, bool(looked))
            by_procedure[shape] = found
        found, depends = by_state[common]
        if depends:
            if shape not in by_procedure:
                by_procedure[shape] = _actions_of_row(user, DossierRow(*shape), delegated)
            found = by_procedure[shape]
        answers.append(found)
    return answers


def is_official(user) -> bool:
    """A superuser or a provincial official: sees every unit's dossiers and prints."""
    return user.is_authenticated and (
        user.is_superuser or any(role == Role.OFFICIAL for _unit, role in _roles(user))
    )


# --- Reception at the desk -------------------------------------------------------------------

# Who receives dossiers at a unit's desk (and refuses to receive one).
DESK_ROLES = frozenset({Role.CLERK, Role.LEADER})


def unit_staff_roles(user, unit_id: int) -> set[str]:
    """The user's staff roles at this unit."""
    return {role for unit, role in _roles(user) if unit == unit_id}


def at_unit_desk(user, unit_id: int) -> bool:
    """Acting for this unit (any of its staff, or a superuser) rather than as an applicant."""
    return user.is_superuser or bool(unit_staff_roles(user, unit_id))


def may_receive_at(user, unit_id: int) -> bool:
    """Receives (or refuses to receive) a dossier at this unit's desk."""
    return user.is_superuser or bool(DESK_ROLES & unit_staff_roles(user, unit_id))


def desk_units(user) -> QuerySet[Unit]:
    """The units where the user may receive dossiers at the desk."""
    if user.is_superuser:
        return Unit.objects.filter(kind__in=["ward", "commune", "special_zone"])
    return Unit.objects.filter(
        staff_roles__user=user, staff_roles__role__in=list(DESK_ROLES)
    ).distinct()


# --- Hand-over -------------------------------------------------------------------------------

# Who a dossier may be handed to for review: a specialist or a leader of its handling unit.
ASSIGNEE_ROLES = frozenset({Role.SPECIALIST, Role.LEADER})


def may_be_assigned(user, dossier: Dossier) -> bool:
    """Whether `user` (the assignee, not the one who acts) may review this dossier."""
    return user.staff_roles.filter(
        unit=dossier.handling_unit_id, role__in=list(ASSIGNEE_ROLES)
    ).exists()


# --- Printed forms ---------------------------------------------------------------------------


def may_print_desk_forms(user, dossier: Dossier) -> bool:
    """The desk's forms of a dossier: officials, and staff of its units. A staff member who is
    also an applicant elsewhere does not get the desk's forms of their own dossier this way."""
    return is_official(user) or bool(roles_on(user, dossier) - {workflow.APPLICANT})


def may_print_log(user, unit: Unit) -> bool:
    """A unit's tracking log: its own staff, provincial officials, superusers."""
    return is_official(user) or any(unit_id == unit.pk for unit_id, _role in _roles(user))


# --- Payments --------------------------------------------------------------------------------

# Who may start a payment besides the applicant: the one-stop desk of the unit, paying for a
# citizen who hands over the money there.
PAYER_ROLES = frozenset({workflow.APPLICANT, Role.CLERK, Role.LEADER})


def may_pay(user, dossier: Dossier) -> bool:
    return user.is_superuser or bool(roles_on(user, dossier) & PAYER_ROLES)


# --- Queue counters --------------------------------------------------------------------------

# Who works a counter: the desk of the unit, and its leader (who may do everything of the unit).
COUNTER_ROLES = frozenset({Role.CLERK, Role.LEADER})


def counter_units(user) -> set[int]:
    """The units whose counters this user may work."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(Unit.objects.filter(service_counters__isnull=False).values_list("pk", flat=True))
    return {unit for unit, role in _roles(user) if role in COUNTER_ROLES}


def may_work_counter(user, counter: ServiceCounter) -> bool:
    return counter.unit_id in counter_units(user)


# --- Ratings and complaints ------------------------------------------------------------------


def is_applicant(user, dossier: Dossier) -> TypeGuard[User]:
    """The signed-in citizen who submitted it (a dossier received at the desk has none)."""
    return user.is_authenticated and dossier.applicant_user_id == user.pk


def may_rate(dossier: Dossier, user) -> bool:
    """Once per dossier, by its applicant, after the result."""
    return (
        is_applicant(user, dossier)
        and dossier.state in workflow.FINISHED_STATES
        and not Rating.objects.filter(dossier=dossier).exists()
    )


def may_rate_national(dossier: Dossier, user) -> bool:
    """The national scheme's form (issue 11): the applicant, after the result, not yet rated."""
    return (
        is_applicant(user, dossier)
        and dossier.state in workflow.FINISHED_STATES
        and not NationalRating.objects.filter(dossier=dossier).exists()
    )


def leader_units(user) -> set[int]:
    """The units the user leads."""
    return {unit for unit, role in _roles(user) if role == Role.LEADER}


def is_leader(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(leader_units(user)))


def may_answer_complaint(user, complaint: Complaint) -> bool:
    return user.is_superuser or complaint.dossier.handling_unit_id in leader_units(user)


def answerable_complaints(user) -> QuerySet[Complaint]:
    """The complaints the user may read and answer: about the dossiers their units handle, for
    the units they lead (superusers: all)."""
    complaints = Complaint.objects.all()
    if user.is_superuser:
        return complaints
    return complaints.filter(dossier__handling_unit_id__in=leader_units(user))


# --- Statistics ------------------------------------------------------------------------------


def statistics_scope(user) -> set[int] | None:
    """Who reads the officials' statistics (dossiers and reports alike): None for the whole
    province (superusers and provincial officials), otherwise the ids of the units the user leads.
    Anyone else: PermissionDenied."""
    if not user.is_authenticated:
        raise PermissionDenied()
    if is_official(user):
        return None
    led = leader_units(user)
    if not led:
        raise PermissionDenied(_("Statistics are for officials and unit leaders."))
    return led


def may_read_statistics(user) -> bool:
    try:
        statistics_scope(user)
    except PermissionDenied:
        return False
    return True
