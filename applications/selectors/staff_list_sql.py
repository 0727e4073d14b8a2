"""The SQL of the staff lists (applications/selectors/staff_lists.py), written without the ORM.

A branch is a list of conditions on the dossier table's own columns, each an SQL fragment with
its parameters. The common ones are written here (column names from the model, values always
parameters); any other filter is compiled by Django once per request (`orm_condition`). Building
each branch as a queryset cost the page more CPU than its whole database time (issue 10).
"""

import functools
from datetime import datetime
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import Field, Model, Q

from applications import access
from applications.models import Dossier
from applications.models.states import CLOCK_RUNNING, CLOCK_STOPPED_WAITING
from portal.accounts.models import User

TABLE = Dossier._meta.db_table

Fragment = tuple[str, tuple[Any, ...]]
Branch = list[Fragment]
NOTHING = None  # a condition that no row meets (a filter on a code that names nothing)


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field), name  # a column of the table, not a reverse relation
    return str(field.column)


@functools.cache
def col(name: str) -> str:
    return f'"{TABLE}"."{_column(Dossier, name)}"'


def equal(name: str, value: Any) -> Fragment:
    return f"{col(name)} = %s", (value,)


def among(name: str, values: Any) -> Fragment:
    values = tuple(values)
    return f"{col(name)} IN ({', '.join(['%s'] * len(values))})", values


def orm_condition(condition: Q) -> Fragment | None:
    """A filter of any shape as one fragment, compiled by Django; None: nothing matches."""
    if not condition:
        return "", ()
    query = Dossier.objects.filter(condition).query
    try:
        text, params = query.get_compiler(connection.alias).compile(query.where)
    except EmptyResultSet:
        return NOTHING
    except FullResultSet:
        return "", ()
    return text, tuple(params)


def late(states: list[str], now: datetime, *, split: bool, per_state: bool = False) -> list[Branch]:
    """The overdue among `states` (`timeliness.overdue_q`), as two conditions that follow the
    partial indexes `dossier_running_due` (clock running, due before now) and
    `dossier_waiting_late` (clock stopped after the due moment, or no stop recorded and due
    before now); or one per state (`per_state`: every unit's, through (state, due moment));
    or, unless `split`, one condition with both (a small branch)."""
    due, stopped = col("due_at"), col("clock_stopped_at")
    parts: list[Branch] = []
    for group, condition in (
        (CLOCK_RUNNING, [(f"{due} < %s", (now,))]),
        (CLOCK_STOPPED_WAITING, [(f"({stopped} > {due} OR {stopped} IS NULL)", ()),
                                 (f"({stopped} IS NOT NULL OR {due} < %s)", (now,))]),
    ):  # fmt: skip
        asked = [state for state in states if state in group]
        if per_state:
            parts += [[equal("state", state), *condition] for state in asked]
        elif asked:
            subset = [among("state", asked)] if len(asked) < len(group) else []
            parts.append([among("state", group), *subset, *condition])
    if split or per_state or len(parts) < 2:
        return parts
    either = [" AND ".join(text for text, _params in part) for part in parts]
    params = tuple(value for part in parts for _text, values in part for value in values)
    return [[(f"(({either[0]}) OR ({either[1]}))", params)]]


def scopes(user: User, *, handled_only: bool) -> list[tuple[Branch, bool]] | None:
    """The user's scope as branch conditions, each with whether it is large (a unit's handled
    dossiers: read state by state when states are asked for); None: every dossier (officials).
    The received-elsewhere branch (its own small partial index) and the applicant's are small."""
    if access.is_official(user):
        return None
    units = sorted(access.staff_units(user)) if user.is_authenticated else []
    scopes: list[tuple[Branch, bool]] = [
        ([equal("handling_unit_id", unit)], True) for unit in units
    ]
    if handled_only:
        return scopes
    if units:
        elsewhere = f"NOT ({col('receiving_unit_id')} = ({col('handling_unit_id')}))", ()
        handled = among("handling_unit_id", units)
        scopes.append(([among("receiving_unit_id", units), (f"NOT ({handled[0]})", handled[1]),
                        elsewhere], False))  # fmt: skip
    if user.is_authenticated:
        mine = [equal("applicant_user_id", user.pk)]
        if units:
            for column in ("handling_unit_id", "receiving_unit_id"):
                text, params = among(column, units)
                mine.append((f"NOT ({text})", params))
        scopes.append((mine, False))
    return scopes


def select(
    branch: Branch, columns: str, *, limit: int | None, descending: bool = False
) -> Fragment:
    """One branch read in its index's order, cut at `limit`."""
    where = " AND ".join(text for text, _params in branch)
    params = tuple(p for _text, values in branch for p in values)
    order = "DESC" if descending else "ASC"
    sql = f'SELECT {columns} FROM "{TABLE}"' + (f" WHERE {where}" if where else "")  # noqa: S608
    sql += f" ORDER BY {col('due_at')} {order}, {col('id')} {order}"
    if limit is not None:
        sql, params = f"{sql} LIMIT %s", (*params, limit)
    return sql, params


def union(
    parts: list[Branch], columns: str, *, limit: int | None, descending: bool = False
) -> Fragment:
    selects = [select(part, columns, limit=limit, descending=descending) for part in parts]
    sql = " UNION ALL ".join(f"({text})" for text, _params in selects)
    return sql, tuple(p for _text, params in selects for p in params)


@functools.cache
def columns(columns: tuple[str, ...]) -> str:
    """`.values()` names (one relation deep) as a select list: a related row's column as a
    scalar subquery by its primary key (PostgreSQL plans it in less time than a join)."""
    select = []
    for name in columns:
        if "__" not in name:
            select.append(col(name))
            continue
        relation, attribute = name.split("__", 1)
        related = Dossier._meta.get_field(relation).related_model
        assert isinstance(related, type), name
        assert issubclass(related, Model), name
        alias = f"t_{relation}"
        table, key = related._meta.db_table, _column(related, related._meta.pk.name)
        select.append(
            f'(SELECT "{alias}"."{_column(related, attribute)}" FROM "{table}" AS "{alias}" '  # noqa: S608 (names from the model)
            f'WHERE "{alias}"."{key}" = {col(relation)})'
        )
    return ", ".join(select)
