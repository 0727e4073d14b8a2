"""The staff lists (the API dossier list and the desk work queue), read the way their indexes are
laid out (issue 10).

A member of staff sees the dossiers their units handle, those their units received for another
unit, and their own applications. One query with an OR over those three makes PostgreSQL gather
every matching row and sort it before it can take a page; here each of them is one branch per
unit (and per state when states are asked for), each read in its index's order (due moment,
then id) and cut at the page's length, and the branches are joined with UNION ALL and cut again.
A branch never repeats another's rows: the received branch leaves out what the user's units
handle, the applicant's branch what their units handle or received.

The SQL is put together here from column names the model gives and, for the rarer filters,
the text Django compiles (values always bound as parameters): nothing a request sends is written
into it. The page's rows and the bounded count come back in one query.

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

from django.db import connection
from django.db.models import F, Q
from django.db.models.expressions import OrderBy
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from applications import access, timeliness
from applications.models import Dossier
from applications.models.states import CLOCK_RUNNING, CLOCK_STOPPED_WAITING, OPEN_STATES
from applications.selectors import staff_list_sql as lists_sql
from portal.accounts.models import User
from portal.core.errors import DomainError, ErrorCode

COUNT_BOUND = 1000
MAX_OFFSET = 2**31
# More branches than this (many units times many states) and states become a filter instead.
MAX_BRANCHES = 60
# Up to this many branches, a first or numbered page reads each once for its rows and its count.
SHARED_BRANCHES = 8
OVERDUE_STATES = (*CLOCK_RUNNING, *CLOCK_STOPPED_WAITING)
TABLE = Dossier._meta.db_table


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
    # The answer of the caller's `also` query, read in the page's round trip (None when no row
    # came back to bring it, or none was asked: then the caller reads it itself).
    also: Any = None


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
        # Only the running and waiting states can be overdue: read those states' index ranges.
        states = [s for s in (states or OVERDUE_STATES) if s in OVERDUE_STATES]
    elif filters.get("overdue") in ("false", "0", False):
        condition &= ~timeliness.overdue_q(timezone.now())
    return condition, states, overdue


def _branches(
    user: User, filters: dict[str, Any], *, open_only: bool, search: str = ""
) -> list[lists_sql.Branch]:
    condition, states, overdue = _resolved_filters(filters, search)
    if states is not None and not states:
        return []
    common = lists_sql.orm_condition(condition)
    if common is lists_sql.NOTHING:
        return []
    base: lists_sql.Branch = [common] if common[0] else []
    if open_only and not overdue:  # the overdue states are open ones, with indexes of their own
        base.append(lists_sql.among("state", OPEN_STATES))
    scopes = lists_sql.scopes(user, handled_only=open_only)
    everyone = scopes is None  # an official: every unit's dossiers, read state by state
    if scopes is None:
        scopes = [([], True)]
    if states is None:
        return [base + scope for scope, _large in scopes]
    now = timezone.now()
    per_scope = 2 if overdue and not everyone else len(states)
    split = sum(per_scope if large else 1 for _scope, large in scopes) <= MAX_BRANCHES
    branches = []
    for scope, large in scopes:
        if overdue:
            late = lists_sql.late(states, now, split=large and split, per_state=everyone)
            branches += [[*base, *scope, *part] for part in late]
        elif large and split:
            branches += [[*base, *scope, lists_sql.equal("state", state)] for state in states]
        else:
            branches.append([*base, *scope, lists_sql.among("state", states)])
    return branches


def _keyed(branch: lists_sql.Branch, key: Key | None, direction: str) -> list[lists_sql.Branch]:
    """The branch's rows after (or before) `key` in (due moment NULLS LAST, id) order: the rows
    with a due moment and those without are two index ranges."""
    if key is None:
        return [branch]  # one index range already in (due moment NULLS LAST, id) order
    due, pk = lists_sql.col("due_at"), lists_sql.col("id")
    dated = [*branch, (f"{due} IS NOT NULL", ())]
    undated = [*branch, (f"{due} IS NULL", ())]
    if direction == "a":
        if key.due_at is None:
            return [[*undated, (f"{pk} > %s", (key.id,))]]
        return [[*dated, (f"({due}, {pk}) > (%s, %s)", (key.due_at, key.id))], undated]
    if key.due_at is None:
        return [dated, [*undated, (f"{pk} < %s", (key.id,))]]
    return [[*dated, (f"({due}, {pk}) < (%s, %s)", (key.due_at, key.id))]]


def _count_sql(branches: list[lists_sql.Branch], *, exact: bool) -> lists_sql.Fragment:
    """How many rows the branches hold: each read no further than `COUNT_BOUND` + 1 (in the
    page's order, so through the same index range as the page, index only), unless `exact`."""
    bound = None if exact else COUNT_BOUND + 1
    union, params = lists_sql.union(branches, lists_sql.col("id"), limit=bound)
    if bound is not None:  # the branches are read one after the other: stop past the bound
        union, params = f"SELECT 1 FROM ({union}) AS scope LIMIT %s", (*params, bound)  # noqa: S608
    return f"SELECT count(*) FROM ({union}) AS counted", params  # noqa: S608


def _fetch(
    parts: list[lists_sql.Branch],
    columns: tuple[str, ...],
    *,
    limit: int,
    offset: int = 0,
    descending: bool = False,
    count: lists_sql.Fragment | None = None,
    shared: bool = False,
    also: lists_sql.Fragment | None = None,
) -> tuple[list[dict[str, Any]], int | None, Any]:
    """The window's rows with `columns`, in one query: the ids picked by the branches' UNION ALL
    (each branch cut at `limit` + `offset`) and the rows read by primary key around them; and
    the `count` query's answer and the `also` query's, in the same round trip (None when no
    row came back).

    `shared` (a first or numbered page with a bounded count): the branches are read once, each
    up to the bound, and both the page and the count are taken from that read (half the
    subqueries to plan, which cost more than reading a thousand index entries)."""
    if not parts:
        return [], None, None
    names = tuple(dict.fromkeys(("id", "due_at", *columns)))
    select = lists_sql.columns(names)
    key_columns = f"{lists_sql.col('id')}, {lists_sql.col('due_at')}"
    outer = "due_at DESC NULLS FIRST, id DESC" if descending else "due_at ASC NULLS LAST, id ASC"
    prefix, before = "", ()
    if shared:
        bound = COUNT_BOUND + 1
        before_sql, before = lists_sql.union(parts, key_columns, limit=max(limit + offset, bound))
        prefix = f"WITH scope AS MATERIALIZED ({before_sql}) "
        count = ("SELECT count(*) FROM (SELECT 1 FROM scope LIMIT %s) AS counted", (bound,))
        picked, params = f"SELECT id FROM scope ORDER BY {outer} LIMIT %s OFFSET %s", ()  # noqa: S608
    else:
        union, params = lists_sql.union(
            parts, key_columns, limit=limit + offset, descending=descending
        )
        picked = f"SELECT id FROM ({union}) AS page ORDER BY {outer} LIMIT %s OFFSET %s"  # noqa: S608
    total = f", ({count[0]})" if count else ""
    total += f", ({also[0]})" if also else ""
    # = ANY(ARRAY(...)): the picked ids are read by primary key, however small the table (an
    # IN over the subquery may become a hash join over the whole table).
    sql = (
        f'{prefix}SELECT {select}{total} FROM "{TABLE}" '  # noqa: S608
        f'WHERE "{TABLE}"."id" = ANY(ARRAY({picked}))'
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [*before, *(count[1] if count else ()), *(also[1] if also else ()), *params, limit,
             offset],
        )  # fmt: skip
        found = cursor.fetchall()
    width = len(names)
    rows = [dict(zip(names, row[:width], strict=True)) for row in found]
    counted = found[0][width] if count and found else None
    extra = found[0][-1] if also and found else None
    return sorted(rows, key=_sort_key, reverse=descending), counted, extra


def _count(branches: list[lists_sql.Branch], *, exact: bool) -> int | None:
    if not branches:
        return 0
    sql, params = _count_sql(branches, exact=exact)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _bounded(cursor.fetchone()[0], exact=exact)


def _bounded(total: int, *, exact: bool) -> int | None:
    return total if exact or total <= COUNT_BOUND else None


def _sort_key(row: dict[str, Any]) -> tuple[bool, datetime, int]:
    return (row["due_at"] is None, row["due_at"] or datetime.min.replace(tzinfo=UTC), row["id"])


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
    also: lists_sql.Fragment | None = None,
) -> Window:
    """One page of the user's dossiers in due order: the `page`-th, or the one after or before
    the `cursor` given in a previous answer's link; each row with `columns` (`.values()` names,
    one relation deep: read for the page's rows only). The count comes in the page's query, and
    so does the answer of `also` (a query of one value, about anything: `Window.also`)."""
    if connection.vendor != "postgresql":
        return _portable_window(user=user, filters=filters, size=size, cursor=cursor, page=page,
                                open_only=open_only, search=search, columns=columns)  # fmt: skip
    branches = _branches(user, filters, open_only=open_only, search=search)
    direction, key = Key.parse(cursor) if cursor else ("a", None)
    # A page number past any list (and past what PostgreSQL's OFFSET takes) reads no row.
    offset = 0 if key else min((page - 1) * size, MAX_OFFSET)
    parts = [part for branch in branches for part in _keyed(branch, key, direction)]
    shared = key is None and not exact_count and len(branches) <= SHARED_BRANCHES
    counting = _count_sql(branches, exact=exact_count) if branches and not shared else None
    rows, total, extra = _fetch(parts, columns, limit=size + 1, offset=offset, shared=shared,
                                descending=direction == "b", count=counting, also=also)  # fmt: skip
    rows, has_previous, has_next = _cut(rows, size, key=key, offset=offset, direction=direction)
    count: int | None
    if not has_previous and not has_next:
        count = len(rows)  # the whole answer is on this page
    elif total is not None:
        count = _bounded(total, exact=exact_count)
    else:  # a window past the end: no row brought the count
        count = _count(branches, exact=exact_count)
    found = _window(rows, count, has_previous=has_previous, has_next=has_next)
    found.also = extra
    return found


def _cut(
    rows: list[dict[str, Any]], size: int, *, key: Key | None, offset: int, direction: str
) -> tuple[list[dict[str, Any]], bool, bool]:
    """A page's rows out of the `size` + 1 read, in the list's order, and whether a page comes
    before and after it."""
    more = len(rows) > size
    rows = rows[:size]
    if direction == "b":
        rows.reverse()
        return rows, more, True
    return rows, bool(key) or offset > 0, more


def _window(
    rows: list[dict[str, Any]], count: int | None, *, has_previous: bool, has_next: bool
) -> Window:
    return Window(
        rows=rows,
        count=count,
        first=Key(rows[0]["due_at"], rows[0]["id"]) if rows else None,
        last=Key(rows[-1]["due_at"], rows[-1]["id"]) if rows else None,
        has_next=has_next,
        has_previous=has_previous,
    )


def _portable_window(
    *,
    user: User,
    filters: dict[str, Any],
    size: int,
    cursor: str,
    page: int,
    open_only: bool,
    search: str,
    columns: tuple[str, ...],
) -> Window:
    """The same list on a database other than PostgreSQL (the embedded SQLite default, where a
    laptop tries the portal): the ORM's one filtered, ordered query and an exact count. The
    branches' SQL above is PostgreSQL's (ADR 0016); the rows and their order are the same."""
    condition, states, overdue = _resolved_filters(filters, search)
    dossiers = access.handled_dossiers(user) if open_only else access.visible_dossiers(user)
    dossiers = dossiers.filter(condition)
    if states is not None:
        dossiers = dossiers.filter(state__in=states)
    if overdue:
        dossiers = dossiers.filter(timeliness.overdue_q(timezone.now()))
    elif open_only:
        dossiers = dossiers.filter(state__in=OPEN_STATES)
    total = dossiers.count()
    direction, key = Key.parse(cursor) if cursor else ("a", None)
    offset = 0 if key else min((page - 1) * size, MAX_OFFSET)
    if key is not None and direction == "a":
        after = Q(due_at__isnull=True, id__gt=key.id)
        if key.due_at is not None:
            after |= Q(due_at__gt=key.due_at) | Q(due_at=key.due_at, id__gt=key.id)
            after |= Q(due_at__isnull=True)
        dossiers = dossiers.filter(after)
    elif key is not None:
        before = Q(due_at__lt=key.due_at) | Q(due_at=key.due_at, id__lt=key.id)
        if key.due_at is None:
            before = Q(due_at__isnull=False) | Q(due_at__isnull=True, id__lt=key.id)
        dossiers = dossiers.filter(before)
    order: list[str | OrderBy] = [F("due_at").asc(nulls_last=True), "id"]
    if direction == "b":
        order = [F("due_at").desc(nulls_first=True), "-id"]
    wanted = tuple(dict.fromkeys(("id", "due_at", *columns)))
    read = list(dossiers.order_by(*order).values(*wanted)[offset : offset + size + 1])
    rows, has_previous, has_next = _cut(read, size, key=key, offset=offset, direction=direction)
    return _window(rows, total, has_previous=has_previous, has_next=has_next)
