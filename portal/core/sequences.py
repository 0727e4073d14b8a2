"""Numbers without gaps or duplicates: dossier codes, queue tickets, report codes.

One table (`portal.core.models.Counter`) holds every counter, keyed by a scope name, a unit's id
and a day. A counter row is created if missing, then locked and bumped inside the caller's
transaction: a rolled-back caller gives its number back, two callers at once wait for each
other, so the numbers run 1, 2, 3... with none missing and none twice.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connection

from portal.core.models import Counter

# The scopes in use; a new counter is a new name here, not a new table.
DOSSIER_CODE = "dossier-code"
QUEUE_TICKET = "queue-ticket"
REPORT_CODE = "report-code"
SCOPES = (DOSSIER_CODE, QUEUE_TICKET, REPORT_CODE)


def next_number(scope: str, *, unit_id: int, day: date) -> int:
    """The next number of the counter `scope` for this unit and day (1 on the first call).

    One statement: the counter row is bumped and locked until the caller's transaction ends (the
    first of the day is inserted, or bumped if another caller inserted it first). A caller that
    takes the number as its last step before committing holds the lock for the shortest time:
    a busy ward's dossiers wait for each other only that long."""
    table = connection.ops.quote_name(Counter._meta.db_table)
    key: list[Any] = [scope, unit_id, connection.ops.adapt_datefield_value(day)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last = last + 1 "  # noqa: S608 - the model's own table name
            "WHERE scope = %s AND unit_id = %s AND day = %s RETURNING last",
            key,
        )
        row = cursor.fetchone()
        if row is None:
            cursor.execute(
                f"INSERT INTO {table} (scope, unit_id, day, last) VALUES (%s, %s, %s, 1) "  # noqa: S608
                f"ON CONFLICT (scope, unit_id, day) DO UPDATE SET last = {table}.last + 1 "
                "RETURNING last",
                key,
            )
            row = cursor.fetchone()
    return int(row[0])


def numbered_cte(scope: str, *, unit_id: int, day: date, name: str) -> tuple[str, list[Any]]:
    """`next_number` as a CTE for a caller's own statement: `<name> AS (...)` yields one row
    whose `last` is the number, the counter row created or bumped and locked until the caller's
    transaction ends, as with `next_number`. A caller that writes its row in that statement
    (a new dossier's INSERT) is numbered without a second write (issue 10)."""
    table = connection.ops.quote_name(Counter._meta.db_table)
    return (
        f"{name} AS (INSERT INTO {table} (scope, unit_id, day, last) "  # noqa: S608
        f"VALUES (%s, %s, %s, 1) ON CONFLICT (scope, unit_id, day) "
        f"DO UPDATE SET last = {table}.last + 1 RETURNING last)",
        [scope, unit_id, connection.ops.adapt_datefield_value(day)],
    )


def number_text(column: str) -> str:
    """SQL for the number in `column` as `{n:04d}` writes it (at least 4 digits)."""
    return f"lpad({column}::text, greatest(4, length({column}::text)), '0')"


def last_number(scope: str, *, unit_id: int, day: date) -> int:
    """The last number issued by the counter (0 if none yet); a read, no lock (checks, benches)."""
    last = (
        Counter.objects.filter(scope=scope, unit_id=unit_id, day=day)
        .values_list("last", flat=True)
        .first()
    )
    return last or 0


def reserve_numbers(scope: str, needed: dict[tuple[int, date], int]) -> dict[tuple[int, date], int]:
    """Reserve `n` consecutive numbers for each `(unit id, day)` of `needed` at once, under the
    same row locks as `next_number`; returns the first number of each key's block.

    For bulk writers (the demo generator): the locks hold until the caller commits, so a
    `next_number` meanwhile waits and then takes the number after the block."""
    if not needed:
        return {}
    if connection.vendor == "postgresql":
        # One statement: create the missing counters, add to the others, read the new values.
        from psycopg2.extras import execute_values

        table = Counter._meta.db_table
        with connection.cursor() as cursor:
            rows = execute_values(
                cursor.cursor,
                f"INSERT INTO {table} (scope, unit_id, day, last) VALUES %s "  # noqa: S608
                f"ON CONFLICT (scope, unit_id, day) DO UPDATE SET last = {table}.last + "
                "EXCLUDED.last RETURNING unit_id, day, last",
                sorted((scope, unit, day, n) for (unit, day), n in needed.items()),
                page_size=len(needed),
                fetch=True,
            )
        return {(unit, day): last - needed[(unit, day)] + 1 for unit, day, last in rows}
    Counter.objects.bulk_create(
        [Counter(scope=scope, unit_id=u, day=d, last=0) for u, d in needed], ignore_conflicts=True
    )
    first: dict[tuple[int, date], int] = {}
    changed = []
    for counter in Counter.objects.select_for_update().filter(
        scope=scope, unit_id__in={u for u, _ in needed}, day__in={d for _, d in needed}
    ):
        key = (counter.unit_id, counter.day)
        if key in needed:
            first[key] = counter.last + 1
            counter.last += needed[key]
            changed.append(counter)
    Counter.objects.bulk_update(changed, ["last"], batch_size=500)
    return first
