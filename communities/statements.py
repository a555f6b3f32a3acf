"""Reads and writes on every post's path, built and compiled by the ORM once per process.

Building a QuerySet and compiling it to SQL costs the ORM several hundred Python calls per
query, more CPU than PostgreSQL spends answering a lookup by key: on the paths every post
takes (its API token, its thread and membership, the retry check, the inbox's listeners) that
was the largest share of the post's own CPU. A kept statement is written as an ordinary
QuerySet, with stand-ins in the places whose values vary. The ORM builds and compiles it once
per process and database; each call then runs that SQL with the real values and turns the
rows into what the QuerySet would have given (model instances with their ``select_related``
rows and annotations, or tuples for ``values_list``), through the same converters.

``Insert`` does the same for a model's INSERT: ``create(**fields)`` is
``Model.objects.create`` with the statement compiled once and each value prepared by its
field as the ORM prepares it; a model with save signal receivers or its own ``save()``, an
explicit primary key, a parent model's row or a value given as an expression goes through
the ORM as written.

No maintained library does this for Django: its ORM has no prepared QuerySet, and the
caching packages cache results, which a read of live state must not. The price is that a
kept statement must be a pure function of its stand-ins: anything read while building it
(the time, a setting) would be frozen for the process's life, so a statement that compiles
differently twice is refused, as is one where a stand-in does not reach the SQL unchanged.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections, router
from django.db.models import Model, QuerySet, signals
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)

T = TypeVar("T")
M = TypeVar("M", bound=Model)

#: Lists longer than this (an ``__in`` over many ids) are not worth a statement of their own:
#: they run through the ORM as written.
MAX_LIST = 8
_KINDS = (int, str, datetime)
_serial = itertools.count(1)
_serial_lock = threading.Lock()


def _stand_in(kind: type) -> Any:
    """A value of ``kind`` no real call passes, distinct from every other stand-in."""
    with _serial_lock:
        n = next(_serial)
    if kind is int:
        return -7_300_000_000_000 - n
    if kind is str:
        return f"\x1fkept-statement-{n}\x1f"
    return datetime(1901, 2, 3, tzinfo=UTC) + timedelta(microseconds=n)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    #: For each SQL parameter: ("fixed", value), or ("slot", name, index in a list or None,
    #: adapt it as a datetime column's value or not).
    params: tuple[tuple[Any, ...], ...]
    kind: str  # "models", "tuples" or "flat"
    col_count: int
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]
    # For model rows: the model, its columns' names and place, its related populators.
    model: type[Model] | None = None
    init_list: tuple[str, ...] = ()
    model_span: tuple[int, int] = (0, 0)
    populators: tuple[Any, ...] = ()
    annotations: tuple[tuple[str, int], ...] = ()


class Statement(Generic[T]):
    """A read written once as ``build(**stand_ins)``; ``slots`` names each varying value's
    type: ``int``, ``str``, ``datetime``, or a one-element list of one of them (``[int]``)
    for the ids of an ``__in``."""

    def __init__(self, build: Callable[..., QuerySet[Any]], **slots: Any) -> None:
        for name, kind in slots.items():
            inner = kind[0] if isinstance(kind, list) and len(kind) == 1 else kind
            if inner not in _KINDS:
                raise TypeError(f"slot {name!r}: {kind!r} is not int, str, datetime or [one]")
        self._build = build
        self._slots = slots
        self._compiled: dict[tuple[Any, ...], _Compiled] = {}
        self._db_alias: str | None = None

    # --- running ------------------------------------------------------------------------
    def rows(self, **values: Any) -> list[T]:
        """Everything the QuerySet would give for these values, in its order."""
        if set(values) != set(self._slots):
            raise TypeError(f"expected values for {sorted(self._slots)}, got {sorted(values)}")
        shape = self._shape(values)
        if shape is None:
            # An empty or long list: the ORM as written (it knows an empty IN needs no query).
            return list(self._build(**values))
        alias = self._alias()
        key = (alias, connections[alias].vendor, shape)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(alias, values)
        return self._run(alias, compiled, values)

    def first(self, **values: Any) -> T | None:
        """The first row (of a statement that asks for at most one), or None."""
        found = self.rows(**values)
        return found[0] if found else None

    def _alias(self) -> str:
        # Which database the QuerySet reads from, decided once like its SQL.
        alias = self._db_alias
        if alias is None:
            alias = self._db_alias = self._build(**self._stand_ins(self._template_shape())).db
        return alias

    def _template_shape(self) -> tuple[Any, ...]:
        return tuple(1 if isinstance(kind, list) else None for kind in self._slots.values())

    def _shape(self, values: dict[str, Any]) -> tuple[Any, ...] | None:
        shape: list[int | None] = []
        for name, kind in self._slots.items():
            if isinstance(kind, list):
                size = len(values[name])
                if not 0 < size <= MAX_LIST:
                    return None
                shape.append(size)
            else:
                shape.append(None)
        return tuple(shape)

    def _stand_ins(self, shape: tuple[Any, ...]) -> dict[str, Any]:
        return {name: ([_stand_in(kind[0]) for _ in range(size)] if isinstance(kind, list)
                       else _stand_in(kind))
                for (name, kind), size in zip(self._slots.items(), shape, strict=True)}

    def _run(self, alias: str, compiled: _Compiled, values: dict[str, Any]) -> list[Any]:
        connection = connections[alias]
        params = []
        for spec in compiled.params:
            if spec[0] == "fixed":
                params.append(spec[1])
                continue
            _slot, name, index, as_datetime = spec
            value = values[name] if index is None else list(values[name])[index]
            params.append(connection.ops.adapt_datetimefield_value(value) if as_datetime
                          else value)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows: Sequence[Any] = cursor.fetchall()
        if compiled.col_count and rows and len(rows[0]) > compiled.col_count:
            rows = [row[:compiled.col_count] for row in rows]
        if compiled.converters:
            rows = [self._converted(row, compiled.converters, connection) for row in rows]
        if compiled.kind == "tuples":
            return [tuple(row) for row in rows]
        if compiled.kind == "flat":
            return [row[0] for row in rows]
        assert compiled.model is not None
        start, end = compiled.model_span
        objects = []
        for row in rows:
            obj = compiled.model.from_db(alias, compiled.init_list, row[start:end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for attr_name, position in compiled.annotations:
                setattr(obj, attr_name, row[position])
            objects.append(obj)
        return objects

    @staticmethod
    def _converted(row: Sequence[Any], converters: Any, connection: Any) -> list[Any]:
        row = list(row)
        for position, functions, expression in converters:
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        return row

    # --- compiling ----------------------------------------------------------------------
    def _compile(self, alias: str, values: dict[str, Any]) -> _Compiled:
        shape = self._shape(values)
        assert shape is not None
        stand_ins = self._stand_ins(shape)
        queryset = self._build(**stand_ins)
        if queryset._prefetch_related_lookups or queryset._known_related_objects:  # type: ignore[attr-defined]
            raise ImproperlyConfigured("A kept statement cannot prefetch or carry known "
                                       "related objects.")
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, raw_params = compiler.as_sql()
        except EmptyResultSet as error:
            raise ImproperlyConfigured("A kept statement must always need a query.") from error
        again = self._build(**stand_ins).query.get_compiler(using=alias).as_sql()
        if again != (sql, raw_params):
            raise ImproperlyConfigured("A kept statement compiles differently each time: "
                                       "something it reads varies (the time?).")
        params = self._locate(alias, tuple(raw_params), stand_ins)
        select = compiler.select
        col_count = compiler.col_count
        converters = tuple((position, tuple(functions), expression)
                           for position, (functions, expression)
                           in compiler.get_converters([s[0] for s in select[:col_count]])
                           .items())
        iterable = queryset._iterable_class
        if iterable is ModelIterable:
            info = compiler.klass_info
            fields = info["select_fields"]
            start, end = fields[0], fields[-1] + 1
            return _Compiled(
                sql=sql, params=params, kind="models", col_count=col_count,
                converters=converters, model=info["model"],
                init_list=tuple(f[0].target.attname for f in select[start:end]),
                model_span=(start, end),
                # The stubs follow a later Django, where it takes the fetch mode too.
                populators=tuple(get_related_populators(info, select, alias)),  # type: ignore[call-arg]
                annotations=tuple((compiler.annotation_col_map or {}).items()))
        if iterable in (ValuesListIterable, FlatValuesListIterable):
            return _Compiled(sql=sql, params=params, col_count=col_count,
                             kind="flat" if iterable is FlatValuesListIterable else "tuples",
                             converters=converters)
        raise ImproperlyConfigured("A kept statement gives model rows or values_list tuples.")

    @staticmethod
    def _locate(alias: str, raw: tuple[Any, ...],
                stand_ins: dict[str, Any]) -> tuple[tuple[Any, ...], ...]:
        ops = connections[alias].ops
        wanted: dict[Any, tuple[str, int | None, bool]] = {}
        for name, value in stand_ins.items():
            for index, each in (enumerate(value) if isinstance(value, list)
                                else [(None, value)]):
                wanted[(type(each), each)] = (name, index, False)
                if isinstance(each, datetime):
                    adapted = ops.adapt_datetimefield_value(each)
                    if adapted is not each:
                        wanted[(type(adapted), adapted)] = (name, index, True)
        found = set()
        params: list[tuple[Any, ...]] = []
        for param in raw:
            try:
                slot = wanted.get((type(param), param))
            except TypeError:  # an unhashable fixed value
                slot = None
            if slot is None:
                params.append(("fixed", param))
            else:
                params.append(("slot", *slot))
                found.add(slot[:2])
        expected = {(name, index) for name, value in stand_ins.items()
                    for index in (range(len(value)) if isinstance(value, list) else [None])}
        if found != expected:
            missing = sorted(str(name) for name, _index in expected - found)
            raise ImproperlyConfigured(f"A kept statement's values do not reach its SQL "
                                       f"unchanged: {', '.join(missing)}.")
        return tuple(params)


@dataclass(frozen=True)
class _CompiledInsert:
    sql: str
    fields: tuple[Any, ...]
    returning: tuple[Any, ...]
    returning_params: tuple[Any, ...]
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]


class Insert(Generic[M]):
    """One row of ``model`` at a time, as ``model.objects.create(**fields)`` writes it."""

    def __init__(self, model: type[M]) -> None:
        self.model = model
        self._compiled: dict[tuple[str, str], _CompiledInsert | None] = {}

    def create(self, **values: Any) -> M:
        model = self.model
        alias = router.db_for_write(model)
        connection = connections[alias]
        key = (alias, connection.vendor)
        if key not in self._compiled:
            self._compiled[key] = self._compile(alias)
        compiled = self._compiled[key]
        if (compiled is None or "pk" in values or model._meta.pk.attname in values
                or signals.pre_save.has_listeners(model)
                or signals.post_save.has_listeners(model)):
            return model._default_manager.using(alias).create(**values)
        obj = model(**values)
        obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
        params = []
        for field in compiled.fields:
            value = field.pre_save(obj, True)
            if hasattr(value, "resolve_expression"):
                return model._default_manager.using(alias).create(**values)
            params.append(field.get_db_prep_save(value, connection=connection))
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            row = connection.ops.fetch_returned_insert_columns(  # type: ignore[attr-defined]
                cursor, compiled.returning_params)
        if compiled.converters:
            row = Statement._converted(row, compiled.converters, connection)
        for value, field in zip(row, compiled.returning, strict=True):
            setattr(obj, field.attname, value)
        obj._state.adding = False
        obj._state.db = alias
        return obj

    def _compile(self, alias: str) -> _CompiledInsert | None:
        """The ORM's INSERT of a new row of the model, or None when it cannot be kept."""
        from django.db.models.sql import InsertQuery

        model, meta = self.model, self.model._meta
        connection = connections[alias]
        # A child of a concrete model writes its parent's row too: only the ORM knows how.
        if (model.save is not Model.save or model.save_base is not Model.save_base
                or meta.parents or not connection.features.can_return_columns_from_insert):
            return None
        fields = tuple(f for f in meta.local_concrete_fields
                       if not f.generated and f is not meta.auto_field)
        if meta.auto_field is None or any(hasattr(f, "get_placeholder") for f in fields):
            return None
        returning = tuple(meta.db_returning_fields)
        stand_in = model()
        query = InsertQuery(model)
        query.insert_values(list(fields), [stand_in])
        compiler = query.get_compiler(using=alias)
        compiler.returning_fields = list(returning)
        statements = compiler.as_sql()
        if len(statements) != 1 or len(statements[0][1]) != len(fields):
            return None
        sql = statements[0][0]
        columns = [field.get_col(meta.db_table) for field in returning]
        converters = tuple((position, tuple(functions), expression)
                           for position, (functions, expression)
                           in compiler.get_converters(columns).items())
        return _CompiledInsert(sql=sql, fields=fields, returning=returning,
                               returning_params=tuple(compiler.returning_params),
                               converters=converters)


def insert_select(obj: Model, overrides: dict[str, tuple[str, Sequence[Any]]],
                  ) -> tuple[list[str], list[str], list[Any]]:
    """The columns, SELECT-list expressions and parameters that write the unsaved ``obj`` as
    ``obj.save()`` would, for an ``INSERT ... SELECT`` inside a larger statement; a field
    named in ``overrides`` takes that SQL expression (and its parameters) instead of its
    value. Each value is cast to its column's type, since a parameter in a SELECT list has
    no column to take it from.
    Refuses what ``save()`` does more than one row's INSERT for (a parent table, save
    signals), as the statement would silently skip it."""
    model, meta = type(obj), obj._meta
    connection = connections[router.db_for_write(model)]
    if (meta.parents or model.save is not Model.save or model.save_base is not Model.save_base
            or signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model)):
        raise ValueError(f"{meta.label} is not written by one plain INSERT")
    obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
    quote = connection.ops.quote_name
    columns: list[str] = []
    values: list[str] = []
    params: list[Any] = []
    for field in meta.local_concrete_fields:
        if field.generated or field is meta.auto_field:
            continue
        columns.append(quote(str(field.column)))
        override = overrides.get(field.attname) or overrides.get(field.name)
        if override is not None:
            values.append(override[0])
            params.extend(override[1])
            continue
        values.append(f"%s::{field.cast_db_type(connection)}")
        params.append(field.get_db_prep_save(field.pre_save(obj, True), connection=connection))
    unknown = set(overrides) - {f.attname for f in meta.local_concrete_fields} - {
        f.name for f in meta.local_concrete_fields}
    if unknown:
        raise ValueError(f"{meta.label} has no column for {sorted(unknown)}")
    return columns, values, params
