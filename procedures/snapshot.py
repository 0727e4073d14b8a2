"""The public catalogue held in each worker's memory (issue 10): the procedure page and API and
the finder read it instead of PostgreSQL.

The catalogue is public and changes only on an import or an administrator's save, while its
pages are the portal's most read. Each worker keeps one snapshot: the active procedures with
their current version, field and documents, the fields, the wards and communes and the province.
A request checks it with one read of a generation token in the shared cache (Redis with
`REDIS_URL`, so every worker and every container sees a change at once); a save or delete of a
procedure, version, document, field or unit (signals, `procedures/apps.py`) and the end of
`procedures_import` write a new token, now and again after the commit (a reader between the two
may have loaded the rows before the commit). A cleared or evicted token is a new one, so a
flushed cache reloads too. With the cache down, each request reads PostgreSQL as before (the cache
is tried again after a few seconds); a change made while the cache could not be told shows after
at most MAX_AGE_SECONDS, when every snapshot is reloaded anyway.

Values derived from the snapshot (the API's serialised procedures, per language) are kept with
it (`memo`) and go with it. Nothing per person is ever kept here: only the public catalogue.
"""

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

from procedures.models import Field, Procedure, Unit, UnitKind

logger = logging.getLogger("motcua.catalogue")

GENERATION_KEY = "motcua:catalogue:generation"
# The units a procedure page offers (the ward or commune that decides a commune-level procedure).
LOCAL_KINDS = (UnitKind.WARD, UnitKind.COMMUNE, UnitKind.SPECIAL_ZONE)
SEARCHES_KEPT = 512
# A snapshot is reloaded after this long whatever the token says: the bound on staleness if a
# change could not renew the token (the cache unreachable at that moment).
MAX_AGE_SECONDS = 300


class Snapshot:
    def __init__(self, generation: str | None) -> None:
        self.generation = generation
        self.loaded_at = time.monotonic()
        self.procedures: list[Procedure] = list(
            Procedure.objects.filter(is_active=True, current_version__isnull=False)
            .select_related("current_version", "field")
            .prefetch_related("current_version__documents")
            .order_by("code")
        )
        self.by_code = {procedure.code: procedure for procedure in self.procedures}
        self.fields: list[Field] = list(Field.objects.all())
        self.field_codes = {field.code for field in self.fields}
        self.units: list[Unit] = list(Unit.objects.filter(kind__in=LOCAL_KINDS))
        self.units_by_code = {unit.code: unit for unit in self.units}
        self.province: Unit | None = Unit.objects.filter(kind=UnitKind.PROVINCE).first()
        self._memo: dict[Any, Any] = {}
        self._searches: dict[Any, list[Procedure]] = {}

    def procedure(self, code: str) -> Procedure | None:
        return self.by_code.get(code)

    def unit(self, code: str) -> Unit | None:
        return self.units_by_code.get(code) if code else None

    def searched(self, key: Any, compute: Callable[[], list[Procedure]]) -> list[Procedure]:
        """A search's ranked results, the last SEARCHES_KEPT searches kept (the keys come from
        what people type, so they are bounded); a new list each time."""
        if self.generation is None:
            return compute()
        found = self._searches.pop(key, None)
        if found is None:
            found = compute()
            while len(self._searches) >= SEARCHES_KEPT:
                self._searches.pop(next(iter(self._searches)))
        self._searches[key] = found  # the most recent last
        return list(found)

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """A value derived from this snapshot only (public), computed once per snapshot."""
        if self.generation is None:
            return compute()
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = compute()
            return value


_current: Snapshot | None = None
_cache_down_until = 0.0
CACHE_RETRY_SECONDS = 5


def _generation() -> str:
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(GENERATION_KEY)
    return str(token)


def current() -> Snapshot:
    """This worker's snapshot, reloaded when the shared generation changed."""
    return _current_or(Snapshot)


def shared() -> Snapshot | None:
    """This worker's snapshot, or None while the shared cache does not answer: a caller that
    reads one or two rows (a submission's procedure and unit) reads them from PostgreSQL rather
    than load a whole snapshot for one request."""
    return _current_or(lambda generation: None)


def _current_or(uncached: Callable[[None], Snapshot | None]) -> Any:
    global _current, _cache_down_until
    if time.monotonic() < _cache_down_until:
        return uncached(None)
    try:
        token = _generation()
    except Exception:
        # The pages still answer, from PostgreSQL, and do not wait on the cache's timeout for
        # each request: it is tried again after a few seconds.
        logger.exception("catalogue: the cache did not answer; read from the database")
        _cache_down_until = time.monotonic() + CACHE_RETRY_SECONDS
        _current = None  # a change made meanwhile could not renew the token
        return uncached(None)
    if (
        _current is None
        or _current.generation != token
        or time.monotonic() - _current.loaded_at > MAX_AGE_SECONDS
    ):
        _current = Snapshot(token)
    return _current


def memo_for(procedure: Procedure, key: Any, compute: Callable[[], Any]) -> Any:
    """`compute()` memoised with the snapshot that `procedure` came from (if it still is this
    worker's snapshot; otherwise computed afresh)."""
    snapshot = _current
    if snapshot is not None and snapshot.by_code.get(procedure.code) is procedure:
        return snapshot.memo((procedure.code, *key), compute)
    return compute()


def _new_generation() -> None:
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.exception("catalogue: the cache did not answer; other workers may show it stale")


def invalidate(**kwargs: Any) -> None:
    """The catalogue changed: every worker reloads (now, and after the commit)."""
    global _current
    _current = None
    _new_generation()
    transaction.on_commit(_new_generation)
