"""Reads on accounts that several domains need."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from portal.accounts.models import Role, StaffRole, User


def leaders_by_unit(unit_ids: Iterable[int]) -> dict[int, list[User]]:
    """The leaders of each unit, in one query."""
    leaders: dict[int, list[User]] = defaultdict(list)
    roles = StaffRole.objects.filter(
        unit_id__in=set(unit_ids), role=Role.LEADER, user__is_active=True
    ).select_related("user")
    for role in roles:
        leaders[role.unit_id].append(role.user)
    return leaders
