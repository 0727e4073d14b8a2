"""Who may see a report on the staff pages, who may act on it or be handed it, and who may follow
and rate it: the one home of the reports' permissions.

Ward staff (clerk, specialist, leader of the unit) see their unit's reports; officials see every
report and act on none; anyone else gets 404, never a hint that the report exists. The public
sees reports only through `selectors.public_*`, which never carry the contact details.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.crypto import constant_time_compare

from feedback.models import Report
from portal.accounts.models import Role, User

# Which roles of the report's unit may take each action (besides a superuser). Starting and
# resolving are also limited to the assignee or a leader (`may`).
ACTION_ROLES: dict[str, set[str]] = {
    # The city's triage desk (clerks and leaders of the province's unit) routes a report that
    # named no ward; only while it is at the desk (`may`).
    "route": {Role.CLERK, Role.LEADER},
    "assign": {Role.CLERK, Role.LEADER},
    "start": {Role.CLERK, Role.SPECIALIST, Role.LEADER},
    "resolve": {Role.CLERK, Role.SPECIALIST, Role.LEADER},
    "reject": {Role.CLERK, Role.SPECIALIST, Role.LEADER},
}
ACTIONS = tuple(ACTION_ROLES)
ASSIGNEE_ONLY = {"start", "resolve"}
WARD_ROLES = (Role.CLERK, Role.SPECIALIST, Role.LEADER)


def _roles(user) -> list[tuple[int, str]]:
    if not hasattr(user, "_feedback_roles"):
        user._feedback_roles = list(user.staff_roles.values_list("unit_id", "role"))
    return user._feedback_roles


def is_feedback_staff(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(_roles(user)))


def sees_everything(user) -> bool:
    return user.is_superuser or any(role == Role.OFFICIAL for _, role in _roles(user))


def visible_reports(user) -> QuerySet[Report]:
    reports = Report.objects.all()
    if not user.is_authenticated:
        return reports.none()
    if sees_everything(user):
        return reports
    units = {unit for unit, role in _roles(user) if role in WARD_ROLES}
    return reports.filter(unit_id__in=units)


def roles_on(user, report: Report) -> set[str]:
    if not user.is_authenticated:
        return set()
    return {role for unit, role in _roles(user) if unit == report.unit_id and role in WARD_ROLES}


def may(user, action: str, report: Report) -> bool:
    if user.is_authenticated and user.is_superuser:
        return action != "route" or not report.unit.is_commune_level
    if action == "route" and report.unit.is_commune_level:
        return False
    roles = roles_on(user, report)
    if not roles & ACTION_ROLES[action]:
        return False
    if action in ASSIGNEE_ONLY and Role.LEADER not in roles:
        return report.assignee_id == user.pk
    return True


def available_actions(user, report: Report) -> list[str]:
    """The actions this user may take on this report now, and nothing else."""
    transitions = report.get_available_state_transitions()  # type: ignore[attr-defined]  # django-fsm
    allowed_now = {t.name for t in transitions}
    return [a for a in ACTIONS if a in allowed_now and may(user, a, report)]


# --- Hand-over -------------------------------------------------------------------------------


def may_be_assigned(user: User, report: Report) -> bool:
    """Whether `user` (the assignee, not the one who acts) may be handed this report: a member
    of its ward's staff."""
    return user.staff_roles.filter(unit=report.unit_id, role__in=list(WARD_ROLES)).exists()


def assignable_staff(report: Report) -> QuerySet[User]:
    """The people this report may be handed to (`may_be_assigned`), by username."""
    return (
        User.objects.filter(
            staff_roles__unit=report.unit_id, staff_roles__role__in=list(WARD_ROLES)
        )
        .distinct()
        .order_by("username")
    )


# --- The reporter ----------------------------------------------------------------------------


def holds_key(report: Report, key: str | None) -> bool:
    """The reporter's proof without signing in: the rating key handed at submission (the
    tracking code alone is public and guessable)."""
    return constant_time_compare((key or "").strip().upper(), report.rating_key)


def is_reporter(user: User | AnonymousUser | None, report: Report) -> bool:
    """The signed-in user who sent the report."""
    return isinstance(user, User) and user.is_authenticated and report.reporter_user_id == user.pk


def may_rate(user: User | AnonymousUser | None, report: Report, key: str | None) -> bool:
    """Its reporter: signed in, or giving the rating key."""
    return is_reporter(user, report) or holds_key(report, key)


def may_follow(report: Report, *, user: User | AnonymousUser | None = None, key: str = "") -> bool:
    """A report shown publicly: anyone. One the reporter kept off the map: its reporter (signed
    in, or giving the rating key they were handed) and the staff who may see it. Its code is
    sequential (PA-<unit>-<day>-<n>), so it alone opens nothing (issue 8)."""
    if report.is_public:
        return True
    if isinstance(user, User) and user.is_authenticated:
        if report.reporter_user_id == user.pk:
            return True
        if visible_reports(user).filter(pk=report.pk).exists():
            return True
    return bool(key) and holds_key(report, key)
