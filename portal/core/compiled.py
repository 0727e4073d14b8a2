"""A hot read whose SQL the ORM writes once per process (issue 10).

Turning a queryset into SQL costs the ORM more CPU than PostgreSQL spends answering a look-up by
a unique key (about 0.7 ms against 0.15 ms for the public look-up's row with its two joins). A
`CompiledRead` asks the ORM for the SQL once, with a marker in place of the one value that
changes, and then only runs it and builds the instance the way Django's `ModelIterable` does
(the same converters, the same `from_db`, the same `select_related` objects). Only for reads that
run on every request of a public page; anything else stays a plain queryset.
"""

import secrets
import uuid
from collections.abc import Callable
from typing import Any, Generic, TypeVar, cast

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=Model)


class CompiledRead(Generic[M]):
    def __init__(self, build: Callable[[Any], QuerySet[M]], *, key: type = str) -> None:
        """`build(value)` returns the queryset for one value (a `key`: str or int); it must use
        `value` exactly once, as a parameter, and select model instances (no `values()`); its
        annotations are set on the instance, as the ORM does."""
        self._build = build
        self._key = key
        self._compiled: dict[str, tuple[Any, ...]] = {}

    def _compile(self, using: str) -> tuple[Any, ...]:
        """The SQL, its parameters and where the value goes, and what turns a row into the
        instance, each worked out once: the converters of the row's columns, the model's
        attribute names and the `select_related` populators (as `ModelIterable` would, again on
        every row)."""
        marker: Any = f"motcua-compiled-{uuid.uuid4().hex}"
        if self._key is int:
            marker = secrets.randbits(62) | 1 << 61  # an integer no key is
        queryset = self._build(marker)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        params = list(params)
        if params.count(marker) != 1:
            raise ValueError("a compiled read takes its value exactly once")
        select, klass_info = compiler.select, compiler.klass_info
        converters = compiler.get_converters([column[0] for column in select[: compiler.col_count]])
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        names = [column[0].target.attname for column in select[start:end]]
        # Django 5.2's signature (the stubs follow a later one, with a fetch mode).
        populators = get_related_populators(klass_info, select, using)  # type: ignore[call-arg]
        model = klass_info["model"]
        return (
            compiler,
            converters,
            sql,
            params,
            params.index(marker),
            model,
            names,
            start,
            end,
            populators,
            tuple((compiler.annotation_col_map or {}).items()),
        )

    def first(self, value: Any, *, using: str = "default") -> M | None:
        """The first instance the queryset would give for `value`, or None."""
        entry = self._compiled.get(using)
        if entry is None:
            entry = self._compiled[using] = self._compile(using)
        compiler, converters, sql, template, index, model, names, start, end, populators = entry[
            :10
        ]
        params = list(template)
        params[index] = value
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchone()
        if found is None:
            return None
        row = next(compiler.apply_converters([found], converters)) if converters else found
        instance = model.from_db(using, names, row[start:end])
        for populator in populators:
            populator.populate(row, instance)
        for name, position in entry[10]:
            setattr(instance, name, row[position])
        return cast(M, instance)


class CompiledRows:
    """The `values_list()` rows of a queryset for one integer value (a key), its SQL written
    once per process, as `CompiledRead` does for instances."""

    def __init__(self, build: Callable[[int], QuerySet[Any, Any]]) -> None:
        """`build(value)` returns the `values_list()` queryset for one value; it must use
        `value` exactly once, as a parameter."""
        self._build = build
        self._compiled: dict[str, tuple[Any, str, list[Any], int, int]] = {}

    def _compile(self, using: str) -> tuple[Any, str, list[Any], int, int]:
        marker = secrets.randbits(62) | 1 << 61  # an integer no key is
        queryset = self._build(marker)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        params = list(params)
        if params.count(marker) != 1 or not queryset.query.values_select:
            raise ValueError("compiled rows take their value exactly once, from values_list()")
        return compiler, sql, params, params.index(marker), len(queryset.query.values_select)

    def all(self, value: int, *, using: str = "default") -> list[tuple[Any, ...]]:
        entry = self._compiled.get(using)
        if entry is None:
            entry = self._compiled[using] = self._compile(using)
        compiler, sql, template, index, width = entry
        params = list(template)
        params[index] = value
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        return [tuple(row[:width]) for row in compiler.results_iter([found])]
