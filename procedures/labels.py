"""The catalogue's labels that the staff's pages print beside a dossier (units, procedures,
versions and a version's documents), kept with the worker's snapshot (issue 10).

The API list, the desk's queue and a dossier's page and API detail each read the names and codes
of the units, the procedure and the version their dossiers point to: one more query per request,
although they are the public catalogue and change only when it does. Here each worker keeps the
ones it has read with its catalogue snapshot (`procedures/snapshot.py`): a change of a unit,
procedure, version or document renews the snapshot (signals, `snapshot.invalidate`), and these
go with it. The first request after a change reads what it needs in one query. Nothing per person
is kept here. With the shared cache down (no snapshot), every call reads PostgreSQL.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connection

from procedures import snapshot
from procedures.models import Procedure, ProcedureVersion, RequiredDocument, Unit

T = TypeVar("T")
UNIT = ("code", "name_vi", "name_en", "parent_id")
PROCEDURE = ("code",)
VERSION = ("processing_unit", "name_vi", "name_en", "number", "processing_amount")
DOCUMENT = ("id", "name_vi", "name_en", "kind", "count", "required")
_SQL = f"""
SELECT 'unit', id, code, name_vi, name_en, parent_id, NULL::integer
    FROM {Unit._meta.db_table} WHERE id = ANY(%s)
UNION ALL SELECT 'procedure', id, code, '', '', NULL, NULL
    FROM {Procedure._meta.db_table} WHERE id = ANY(%s)
UNION ALL SELECT 'version', id, processing_unit, name_vi, name_en, number, processing_amount
    FROM {ProcedureVersion._meta.db_table} WHERE id = ANY(%s)
"""  # noqa: S608 (table names from the models; values are parameters)


class Labels:
    """`unit(id)`, `procedure(id)`, `version(id)`: the row's `UNIT`, `PROCEDURE` or `VERSION`
    values as a dict (None for an id that names nothing)."""

    def __init__(self, found: dict[tuple[str, int], tuple[Any, ...]]) -> None:
        self._found = found

    def _get(self, kind: str, names: tuple[str, ...], pk: int | None) -> dict[str, Any] | None:
        values = self._found.get((kind, pk)) if pk is not None else None
        return dict(zip(names, values, strict=True)) if values is not None else None

    def unit(self, pk: int | None) -> dict[str, Any] | None:
        return self._get("unit", UNIT, pk)

    def procedure(self, pk: int | None) -> dict[str, Any] | None:
        return self._get("procedure", PROCEDURE, pk)

    def version(self, pk: int | None) -> dict[str, Any] | None:
        return self._get("version", VERSION, pk)

    def raw(self, kind: str, pk: int) -> tuple[Any, ...]:
        """A label's values as a tuple (`UNIT`, `PROCEDURE` or `VERSION` order): for a page that
        reads many rows' labels (KeyError for an unknown id)."""
        return self._found[(kind, pk)]


def _read(
    units: set[int], procedures: set[int], versions: set[int]
) -> dict[tuple[str, int], tuple[Any, ...]]:
    if connection.vendor != "postgresql":  # the embedded SQLite default: the ORM, no arrays
        found: dict[tuple[str, int], tuple[Any, ...]] = {}
        for unit in Unit.objects.filter(pk__in=units).values_list("pk", *UNIT):
            found[("unit", unit[0])] = unit[1:]
        for procedure in Procedure.objects.filter(pk__in=procedures).values_list("pk", *PROCEDURE):
            found[("procedure", procedure[0])] = procedure[1:]
        for version in ProcedureVersion.objects.filter(pk__in=versions).values_list("pk", *VERSION):
            found[("version", version[0])] = version[1:]
        return found
    with connection.cursor() as cursor:
        cursor.execute(_SQL, [sorted(units), sorted(procedures), sorted(versions)])
        rows = cursor.fetchall()
    widths = {"unit": len(UNIT), "procedure": len(PROCEDURE), "version": len(VERSION)}
    return {(kind, pk): tuple(values[: widths[kind]]) for kind, pk, *values in rows}


def labels(*, units: Any = (), procedures: Any = (), versions: Any = ()) -> Labels:
    """The labels of these units, procedures and versions (ids; None is left out): from the
    worker's snapshot, the ones it lacks read in one query and kept with it."""
    wanted = {
        "unit": {pk for pk in units if pk is not None},
        "procedure": {pk for pk in procedures if pk is not None},
        "version": {pk for pk in versions if pk is not None},
    }
    current = snapshot.shared()
    kept: dict[tuple[str, int], tuple[Any, ...]] = (
        current.memo("labels", dict) if current is not None and current.generation else {}
    )
    missing = {kind: {pk for pk in ids if (kind, pk) not in kept} for kind, ids in wanted.items()}
    if any(missing.values()):
        kept.update(_read(missing["unit"], missing["procedure"], missing["version"]))
    return Labels(kept)


def kept(key: Any, compute: Callable[[], T]) -> T:
    """`compute()`, a value made of the catalogue only (no one's data), kept with the worker's
    snapshot under `key` (computed each time while there is no snapshot)."""
    current = snapshot.shared()
    if current is None or not current.generation:
        return compute()
    return current.memo(("kept", key), compute)  # type: ignore[no-any-return]


def documents(version_id: int) -> list[dict[str, Any]]:
    """The version's documents (`DOCUMENT` of each) in their order, a new list of new dicts each
    call (the caller may add to them)."""
    current = snapshot.shared()
    if current is None or not current.generation:
        return [dict(row) for row in _documents(version_id)]
    rows = current.memo(("documents", version_id), lambda: _documents(version_id))
    return [dict(row) for row in rows]


def _documents(version_id: int) -> list[dict[str, Any]]:
    found = RequiredDocument.objects.filter(version_id=version_id).order_by("position", "id")
    return [dict(zip(DOCUMENT, values, strict=True)) for values in found.values_list(*DOCUMENT)]
