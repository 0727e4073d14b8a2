"""The staff lists (the API dossier list and the desk work queue), read the way their indexes are
laid out (issue 10).

A member of staff sees the dossiers their units handle, those their units received for another
unit, and their own applications. One query with an OR over those three makes PostgreSQL gather
every matching row and sort it before it can take a page; here each of them is one branch per
unit (and per state when states are asked for), each read in its index's order (due moment,
then id) and cut at the page's length, and the branches are joined with UNION ALL and cut again.
A branch never repeats another's rows: the received branch leaves out what the user's units
handle, the applicant's branch what their units handle or received.

The SQL put together here is the text Django compiled for each branch (values always bound as
parameters) joined with UNION ALL: nothing a request sends is written into it.

Pages are windows on that order: the first page, a page number (offset), or a cursor after or
before a row (keyset: as cheap on the thousandth page as on the first). The count is exact up to
`COUNT_BOUND` (the branches counted through their indexes, no further than that) and `None`
beyond, unless the caller asks for the exact figure.
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from applications import access, timeliness
from applications.models import Dossier
from applications.models.states import CLOCK_RUNNING, CLOCK_STOPPED_WAITING, OPEN_STATES
from portal.accounts.models import User
from portal.core.errors import DomainError, ErrorCode

COUNT_BOUND = 1000
MAX_OFFSET = 2**31
# More branches than this (many units times many states) and states become a filter instead.
MAX_BRANCHES = 60
OVERDUE_STATES = (*CLOCK_RUNNING, *CLOCK_STOPPED_WAITING)
TABLE = Dossier._meta.db_table
KEY_AFTER = f'("{TABLE}"."due_at", "{TABLE}"."id") > (%s, %s)'
KEY_BEFORE = f'("{TABLE}"."due_at", "{TABLE}"."id") < (%s, %s)'


class BadCursor(DomainError):
    """A cursor that no link of ours gave (400 `invalid_query`, as the list's other bad
    parameters)."""


@dataclass(frozen=True)
class Key:
    """A row's place in the order: due moment (None sorts last), then id."""

    due_at: datetime | None
    id: int

    def token(self, direction: str) -> str:
        due = self.due_at.isoformat() if self.due_at else ""
        raw = f"{direction}|{due}|{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def parse(cls, token: str) -> tuple[str, "Key"]:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            direction, due, pk = raw.split("|")
            moment = parse_datetime(due) if due else None
            if direction not in ("a", "b") or (due and (moment is None or not moment.tzinfo)):
                raise ValueError
            if not 0 < int(pk) < 2**63:
                raise ValueError
            return direction, cls(moment, int(pk))
        except (ValueError, UnicodeDecodeError, binascii.Error):
            raise BadCursor(_bad_cursor(), code=ErrorCode.INVALID_QUERY) from None


def _bad_cursor() -> str:
    return gettext("cursor must be a value given in a next or previous link.")


@dataclass
class Window:
    rows: list[dict[str, Any]]
    count: int | None  # exact, or None when more than COUNT_BOUND match and none was asked
    first: Key | None
    last: Key | None
    has_next: bool
    has_previous: bool


def _ids(values: Any, field: str) -> list[int]:
    return list(values.values_list(field, flat=True))


def _resolved_filters(filters: dict[str, Any], search: str) -> tuple[Q, list[str] | None, bool]:
    """The filters as a plain condition on the dossier's own columns (codes resolved to ids
    first, so no branch joins), the states asked for (None: any), and whether only overdue
    dossiers are (their condition is the branch's, state by state)."""
    from procedures.models import Procedure, Unit

    condition = Q()
    states: list[str] | None = None
    if filters.get("state"):
        states = [s for s in dict.fromkeys(str(filters["state"]).split(",")) if s]
    if filters.get("unit"):
        condition &= Q(handling_unit_id__in=_ids(Unit.objects.filter(code=filters["unit"]), "pk"))
    if filters.get("legacy_code"):
        condition &= Q(legacy_code=filters["legacy_code"])
    if filters.get("procedure"):
        procedures = Procedure.objects.filter(code=filters["procedure"])
        condition &= Q(procedure_id__in=_ids(procedures, "pk"))
    if filters.get("field"):
        procedures = Procedure.objects.filter(field__code=filters["field"])
        condition &= Q(procedure_id__in=_ids(procedures, "pk"))
    if filters.get("channel"):
        condition &= Q(channel=filters["channel"])
    if filters.get("assignee"):
        users = User.objects.filter(username=filters["assignee"])
        condition &= Q(assignee_id__in=_ids(users, "pk"))
    if search:
        condition &= Q(code__icontains=search) | Q(applicant_name__icontains=search)
    overdue = filters.get("overdue") in ("true", "1", True)
    if overdue:
        # Only the running and waiting states can be overdue: read those states' index ranges
        # (the open-state condition too: it steers the planner to the unit-and-state index).
        states = [s for s in (states or OVERDUE_STATES) if s in OVERDUE_STATES]
        condition &= Q(state__in=OPEN_STATES)
    elif filters.get("overdue") in ("false", "0", False):
        condition &= ~timeliness.overdue_q(timezone.now())
    return condition, states, overdue


def _scopes(user: User, *, handled_only: bool) -> list[tuple[Q, bool]] | None:
    """The user's scope as branch conditions, each with whether it is large (a unit's handled
    dossiers: read state by state when states are asked for); None: every dossier (officials).
    The received-elsewhere branch (its own small partial index) and the applicant's are small."""
    if access.is_official(user):
        return None
    units = sorted(access.staff_units(user)) if user.is_authenticated else []
    scopes = [(Q(handling_unit_id=unit), True) for unit in units]
    if handled_only:
        return scopes
    if units:
        received = Q(receiving_unit_id__in=units) & ~Q(handling_unit_id__in=units)
        scopes.append((received & ~Q(receiving_unit_id=F("handling_unit_id")), False))
    if user.is_authenticated:
        mine = Q(applicant_user_id=user.pk)
        if units:
            mine &= ~Q(handling_unit_id__in=units) & ~Q(receiving_unit_id__in=units)
        scopes.append((mine, False))
    return scopes


def _branches(
    user: User, filters: dict[str, Any], *, open_only: bool, search: str = ""
) -> list[QuerySet[Dossier]]:
    condition, states, overdue = _resolved_filters(filters, search)
    if states is not None and not states:
        return []
    scopes = _scopes(user, handled_only=open_only)
    base = Dossier.objects.filter(condition)
    if open_only:
        base = base.filter(state__in=OPEN_STATES)
    if scopes is None:
        scopes = [(Q(), True)]
    if states is None:
        return [base.filter(scope) for scope, _large in scopes]
    now = timezone.now()
    split = sum(len(states) if large else 1 for _scope, large in scopes) <= MAX_BRANCHES
    branches = []
    for scope, large in scopes:
        if large and split:
            branches += [
                base.filter(
                    scope,
                    timeliness.overdue_in_state_q(state, now) if overdue else Q(),
                    state=state,
                )
                for state in states
            ]
        else:
            late = timeliness.overdue_q(now) if overdue else Q()
            branches.append(base.filter(scope, late, state__in=states))
    return branches


def _keyed(branch: QuerySet[Dossier], key: Key | None, direction: str) -> list[QuerySet[Dossier]]:
    """The branch's rows after (or before) `key` in (due moment NULLS LAST, id) order: the rows
    with a due moment and those without are two index ranges."""
    if key is None:
        return [branch]  # one index range already in (due moment NULLS LAST, id) order
    dated = branch.filter(due_at__isnull=False)
    undated = branch.filter(due_at__isnull=True)
    if direction == "a":
        if key.due_at is None:
            return [undated.filter(id__gt=key.id)]
        return [dated.extra(where=[KEY_AFTER], params=[key.due_at, key.id]), undated]  # noqa: S610
    if key.due_at is None:
        return [dated, undated.filter(id__lt=key.id)]
    return [dated.extra(where=[KEY_BEFORE], params=[key.due_at, key.id])]  # noqa: S610


def _compiled(query: QuerySet[Any, Any]) -> tuple[str, tuple[Any, ...]] | None:
    """The query's SQL and parameters; None for one that can match nothing (a filter on a code
    that names no row: `id IN ()`)."""
    try:
        text, params = query.query.sql_with_params()
    except EmptyResultSet:
        return None
    return text, tuple(params)


def _union(
    parts: list[QuerySet[Dossier]], *, limit: int, descending: bool
) -> tuple[str, list[Any]]:
    order = ("-due_at", "-id") if descending else ("due_at", "id")
    sql: list[str] = []
    params: list[Any] = []
    for part in parts:
        compiled = _compiled(part.order_by(*order).values_list("id", "due_at")[:limit])
        if compiled:
            sql.append(f"({compiled[0]})")
            params.extend(compiled[1])
    if not sql:
        return "", []
    outer = "due_at DESC NULLS FIRST, id DESC" if descending else "due_at ASC NULLS LAST, id ASC"
    union = " UNION ALL ".join(sql)
    return f"SELECT id FROM ({union}) AS page ORDER BY {outer}", params  # noqa: S608


def _sort_key(row: dict[str, Any]) -> tuple[bool, datetime, int]:
    return (row["due_at"] is None, row["due_at"] or datetime.min.replace(tzinfo=UTC), row["id"])


def _fetch(
    parts: list[QuerySet[Dossier]],
    columns: tuple[str, ...],
    *,
    limit: int,
    offset: int = 0,
    descending: bool = False,
) -> list[dict[str, Any]]:
    """The window's rows with `columns`, in one query: the ids picked by the branches' UNION ALL
    (each branch cut at `limit` + `offset`) and the rows read by primary key around them."""
    if not parts:
        return []
    sql, params = _union(parts, limit=limit + offset, descending=descending)
    if not sql:
        return []
    picked_sql, picked_params = f"{sql} LIMIT %s OFFSET %s", [*params, limit, offset]
    wanted = tuple(dict.fromkeys(("id", "due_at", *columns)))
    compiled = _by_id(wanted)
    if compiled is None:
        picked = RawSQL(picked_sql, picked_params)  # noqa: S611
        rows = list(Dossier.objects.filter(pk__in=picked).order_by().values(*wanted))
    else:
        compiler, before, after, names = compiled
        with connection.cursor() as cursor:
            cursor.execute(f"{before}{picked_sql}{after}", picked_params)
            found = cursor.fetchall()
        rows = [dict(zip(names, row, strict=True)) for row in compiler.results_iter([found])]
    return sorted(rows, key=_sort_key, reverse=descending)


# The read of a page's rows by primary key is the same SQL for every page but the subquery that
# picks the ids: Django writes it once per process and set of columns (its work cost more than
# PostgreSQL's read; issue 10), the subquery's text put in place of this marker.
PICKED = "SELECT NULL /* motcua-picked */"
_BY_ID: dict[tuple[str, ...], tuple[Any, str, str, list[str]] | None] = {}


def _by_id(wanted: tuple[str, ...]) -> tuple[Any, str, str, list[str]] | None:
    if wanted not in _BY_ID:
        query = Dossier.objects.filter(pk__in=RawSQL(PICKED, [])).order_by().values(*wanted)  # noqa: S611
        compiler = query.query.get_compiler(using=connection.alias)
        sql, params = compiler.as_sql()
        names = [*query.query.extra_select, *query.query.values_select]
        names += list(query.query.annotation_select)
        usable = not params and sql.count(PICKED) == 1
        before, _, after = sql.partition(PICKED)
        _BY_ID[wanted] = (compiler, before, after, names) if usable else None
    return _BY_ID[wanted]


def _count(branches: list[QuerySet[Dossier]], *, exact: bool) -> int | None:
    """How many rows the branches hold: each counted no further than `COUNT_BOUND` + 1 (read in
    the page's order, so through the same index range as the page), unless `exact`."""
    if not branches:
        return 0
    sql: list[str] = []
    params: list[Any] = []
    for branch in branches:
        query = branch.values_list("id", flat=True).order_by("due_at", "id")
        if not exact:
            query = query[: COUNT_BOUND + 1]
        compiled = _compiled(query)
        if compiled:
            sql.append(f"({compiled[0]})")
            params.extend(compiled[1])
    if not sql:
        return 0
    with connection.cursor() as cursor:
        union = " UNION ALL ".join(sql)
        if not exact:  # the branches are read one after the other: stop past the bound
            union = f"SELECT 1 FROM ({union}) AS scope LIMIT {COUNT_BOUND + 1:d}"  # noqa: S608
        cursor.execute(f"SELECT count(*) FROM ({union}) AS counted", params)  # noqa: S608
        total = cursor.fetchone()[0]
    return total if exact or total <= COUNT_BOUND else None


def window(
    *,
    user: User,
    filters: dict[str, Any],
    size: int,
    cursor: str = "",
    page: int = 1,
    open_only: bool = False,
    exact_count: bool = False,
    search: str = "",
    columns: tuple[str, ...] = (),
) -> Window:
    """One page of the user's dossiers in due order: the `page`-th, or the one after or before
    the `cursor` given in a previous answer's link; each row with `columns` (`.values()` names,
    joins allowed: they are read for the page's rows only)."""
    branches = _branches(user, filters, open_only=open_only, search=search)
    direction, key = Key.parse(cursor) if cursor else ("a", None)
    # A page number past any list (and past what PostgreSQL's OFFSET takes) reads no row.
    offset = 0 if key else min((page - 1) * size, MAX_OFFSET)
    parts = [part for branch in branches for part in _keyed(branch, key, direction)]
    rows = _fetch(parts, columns, limit=size + 1, offset=offset, descending=direction == "b")
    more = len(rows) > size
    rows = rows[:size]
    if direction == "b":
        rows.reverse()
        has_previous, has_next = more, True
    else:
        has_previous, has_next = bool(key) or offset > 0, more
    if not has_previous and not has_next:
        count: int | None = len(rows)  # the whole answer is on this page
    else:
        count = _count(branches, exact=exact_count)
    return Window(
        rows=rows,
        count=count,
        first=Key(rows[0]["due_at"], rows[0]["id"]) if rows else None,
        last=Key(rows[-1]["due_at"], rows[-1]["id"]) if rows else None,
        has_next=has_next,
        has_previous=has_previous,
    )
