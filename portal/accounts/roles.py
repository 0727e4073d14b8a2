"""A signed-in user's staff roles, read in the same query as the user (issue 10).

Every staff page and API request asks which units the user serves and in which role (the lists'
scope, the dossier's access check, the navigation): that was one more query per request after the
session's or the token's read of the user. Here the sign-in's read (the session's user, the API
token's user) carries the roles as one more column, so a request reads them at no extra round
trip. They are read with the user on every request, never kept between requests: a role granted
or taken away counts from the next request, as before. Elsewhere (a user built by other code, or
the embedded SQLite default) they are read on first use, once per request (`staff_roles`).
"""

from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import CharField, OuterRef, QuerySet, Value
from django.db.models.functions import Cast, Concat

from portal.accounts.models import StaffRole, User
from portal.core.compiled import CompiledRead, CompiledRows

# The attribute that holds a user's [(unit id, role), ...] for the rest of the request.
ATTRIBUTE = "_motcua_roles"
# The annotation the sign-in's read brings them in: "unit id:role" texts.
ANNOTATION = "motcua_staff_roles"

_ROLES = CompiledRows(
    lambda user_id: StaffRole.objects.filter(user_id=user_id).values_list("unit_id", "role")
)


def staff_roles(user: Any) -> list[tuple[int, str]]:
    """The user's (unit id, role) pairs, read once per request (`user` may be the request's lazy
    user: attributes, not its `__dict__`)."""
    roles: list[tuple[int, str]] | None = getattr(user, ATTRIBUTE, None)
    if roles is None:
        roles = _ROLES.all(user.pk)
        setattr(user, ATTRIBUTE, roles)
    return roles


def with_roles(queryset: QuerySet[Any], user_path: str) -> QuerySet[Any]:
    """`queryset` with the staff roles of the user at `user_path` as one more column (on
    PostgreSQL; elsewhere unchanged, and `staff_roles` reads them later)."""
    if connection.vendor != "postgresql":
        return queryset
    pairs = (
        StaffRole.objects.filter(user_id=OuterRef(user_path))
        .annotate(pair=Concat(Cast("unit_id", CharField()), Value(":"), "role"))
        .values("pair")
    )
    annotated: QuerySet[Any] = queryset.annotate(**{ANNOTATION: ArraySubquery(pairs)})
    return annotated


def remember(user: Any, carrier: Any) -> Any:
    """Keep on `user` the roles that `carrier` (the user or its token, read `with_roles`)
    brought; nothing if it brought none."""
    pairs = getattr(carrier, ANNOTATION, None)
    if pairs is not None:
        found = []
        for pair in pairs:
            unit, _, role = pair.partition(":")
            found.append((int(unit), role))
        setattr(user, ATTRIBUTE, found)
    return user


_USER: CompiledRead[User] = CompiledRead(
    lambda pk: with_roles(User._default_manager.filter(pk=pk), "pk"), key=int
)


def signed_in_user(user_id: Any) -> User | None:
    """The user a session names (an authentication backend's `get_user`), with their roles;
    None if there is no such user."""
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        return None
    user = _USER.first(pk)
    return remember(user, user) if user is not None else None
