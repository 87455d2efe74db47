"""The hot path's statements, without the ORM's query compiler.

Django compiles every ORM query afresh, 0.5-1.5 ms each: most of a recorded call's cost
when a call took ten of them. The call's transitions (apps.engine.recording) and the rows
routing adds are written here as plain statements whose text is built once per model;
only the values are prepared, as the ORM would prepare them for each field (``_to_db``),
so they are stored as the ORM would store them on every backend (PostgreSQL, and SQLite
for the embedded default).
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, partial
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

_NO_DEFAULT = object()
M = TypeVar("M", bound=models.Model)
# Fields whose Python values the driver takes as they are, on every backend.
_AS_IS = frozenset({"CharField", "TextField", "SlugField", "BooleanField", "IntegerField", "BigIntegerField",
                    "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
                    "PositiveSmallIntegerField", "FloatField"})


@dataclass(frozen=True)
class Column:
    attname: str
    field: models.Field
    default: Any  # a fixed default, or _NO_DEFAULT (a callable, an auto time, none)
    auto_time: bool
    to_db: Callable[[Any], Any]


@dataclass(frozen=True)
class Table:
    """A model's table as the statements use it."""

    name: str  # quoted
    columns: tuple[Column, ...]
    column_list: str  # "(a, b, ...)", quoted
    row: str  # "(%s, %s, ...)"


@cache
def table(model: type[models.Model]) -> Table:
    quote = connection.ops.quote_name
    # Auto-increment keys are left to the database.
    fields = [field for field in model._meta.concrete_fields if not isinstance(field, AutoFieldMixin)]
    columns = tuple(Column(
        attname=field.attname, field=field,
        default=field.get_default() if field.has_default() and not callable(field.default) else _NO_DEFAULT,
        auto_time=bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)),
        to_db=_to_db(field)) for field in fields)
    return Table(name=quote(model._meta.db_table), columns=columns,
                 column_list="(" + ", ".join(quote(field.column) for field in fields) + ")",
                 row="(" + ", ".join(["%s"] * len(fields)) + ")")


def _to_db(field: models.Field) -> Callable[[Any], Any]:
    """How a value of ``field`` goes to the driver: as the ORM would store it. On PostgreSQL
    the common kinds take a shortcut past ``get_db_prep_save`` (and past psycopg2's Python
    adapters: a uuid or a JSON document goes as text, which the column's type reads)."""
    kind = (field.target_field if field.is_relation else field).get_internal_type()  # type: ignore[attr-defined]
    if kind in _AS_IS:
        return _as_is
    if connection.vendor == "postgresql":
        if kind == "UUIDField":
            return _uuid_text
        if kind == "DateTimeField":
            return _as_is
        if kind == "JSONField":
            return partial(_json_text, encoder=getattr(field, "encoder", None))
    return partial(_prepared_by, field)


def _as_is(value: Any) -> Any:
    return value


def _uuid_text(value: Any) -> str | None:
    return None if value is None else str(value)


def _json_text(value: Any, *, encoder) -> str | None:
    return None if value is None else json.dumps(value, cls=encoder)


def _prepared_by(field: models.Field, value: Any) -> Any:
    return field.get_db_prep_save(value, connection)


def rows_insert(model: type[models.Model], rows: Sequence[dict[str, Any]], *, now: datetime | None = None,
                if_exists: tuple[str, ...] = (), returning: str | None = None) -> list[Any]:
    """INSERT the rows (attname -> value) in one statement. A missing field takes its
    default; a missing auto-now time takes ``now`` plus one microsecond per row, so rows
    inserted together sort in the order given. ``if_exists``: foreign keys stored only
    when the row they point at still exists (else null), checked by the statement itself.
    ``returning``: a column whose stored values (in row order) are returned."""
    if not rows:
        return []
    spec = table(model)
    template = _row_template(model, if_exists) if if_exists else spec.row
    statement = f"INSERT INTO {spec.name} {spec.column_list} VALUES {', '.join([template] * len(rows))}"
    if returning:
        statement += f" RETURNING {connection.ops.quote_name(returning)}"
    with connection.cursor() as cursor:
        cursor.execute(statement, row_values(model, rows, now=now))
        return [row[0] for row in cursor.fetchall()] if returning else []


def row_values(model: type[models.Model], rows: Sequence[dict[str, Any]], *, now: datetime | None = None) -> list:
    """The rows' values in column order, prepared (see ``rows_insert`` for the defaults)."""
    spec = table(model)
    now = now or timezone.now()
    values: list[Any] = []
    for index, row in enumerate(rows):
        for column in spec.columns:
            if column.attname in row:
                value = row[column.attname]
            elif column.default is not _NO_DEFAULT:
                value = column.default
            elif column.auto_time:
                value = now + timedelta(microseconds=index)
            else:
                value = column.field.get_default()
            values.append(column.to_db(value))
    return values


@cache
def _row_template(model: type[models.Model], if_exists: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    placeholders = []
    for column in table(model).columns:
        if column.attname in if_exists:
            target = column.field.related_model._meta  # type: ignore[union-attr]
            key = quote(target.pk.column)
            placeholders.append(f"(SELECT {key} FROM {quote(target.db_table)} WHERE {key} = %s)")
        else:
            placeholders.append("%s")
    return "(" + ", ".join(placeholders) + ")"


@cache
def insert_guarded(model: type[models.Model], count: int, *, guard: str, if_exists: tuple[str, ...] = (),
                   overrides: tuple[tuple[str, str], ...] = (), where: str = "") -> str:
    """``INSERT ... SELECT`` of ``count`` rows of parameters (``row_values``, as ``v``) that
    inserts them only when the CTE ``guard`` returned a row (and ``where`` holds): a part of
    one PostgreSQL statement whose every write depends on its first (apps.engine.ending,
    apps.engine.recording). ``overrides``: (attname, SQL expression) instead of a value."""
    quote = connection.ops.quote_name
    spec = table(model)
    names = [quote(column.field.column) for column in spec.columns]
    instead = dict(overrides)
    select = []
    for column, name in zip(spec.columns, names, strict=True):
        cast = instead.get(column.attname) or f"v.{name}::{column.field.cast_db_type(connection)}"  # type: ignore[attr-defined]
        if column.attname in if_exists:
            target = column.field.related_model._meta  # type: ignore[union-attr]
            key = quote(target.pk.column)
            cast = f"(SELECT {key} FROM {quote(target.db_table)} WHERE {key} = {cast})"
        select.append(cast)
    rows = ", ".join([spec.row] * count)
    return (f"INSERT INTO {spec.name} {spec.column_list} SELECT {', '.join(select)} "
            f"FROM {guard}, (VALUES {rows}) AS v ({', '.join(names)})" + (f" WHERE {where}" if where else ""))


# Tests turn it off to run the steps on PostgreSQL too (the path every other database takes).
ONE_STATEMENT = True


def one_statement() -> bool:
    """Whether a transition and what it writes with it go as one statement (PostgreSQL's
    data-modifying CTEs), rather than as steps in one transaction."""
    return ONE_STATEMENT and _db().vendor == "postgresql"


def prepared(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """Values for a hand-written statement, prepared by their fields (attname -> value)."""
    columns = _columns(model)
    return {name: columns[name].to_db(value) for name, value in values.items()}


@cache
def _columns(model: type[models.Model]) -> dict[str, Column]:
    found = {column.attname: column for column in table(model).columns}
    for field in model._meta.concrete_fields:  # an auto-increment key, for WHERE clauses
        found.setdefault(field.attname, Column(attname=field.attname, field=field, default=_NO_DEFAULT,
                                               auto_time=False, to_db=_to_db(field)))
    return found


@cache
def _fields(model: type[models.Model]) -> dict[str, models.Field]:
    return {field.attname: field for field in model._meta.concrete_fields}


def instance(model: type[M], row: dict[str, Any]) -> M:
    """A model instance of a row just inserted (attname -> value), as if read back."""
    fields = _fields(model)
    obj = model(**{name: fields[name].to_python(value) for name, value in row.items()})
    obj._state.adding, obj._state.db = False, connection.alias
    return obj


def fetch_one(statement: str, params: Sequence[Any], *, model: type[models.Model],
              names: Sequence[str], prepare: bool = False) -> dict[str, Any] | None:
    """The first row of a statement returning ``names`` (attnames of ``model``, in that
    order), converted to Python values as the ORM reads them; None when there is none.
    ``prepare``: run it as a prepared statement (``_execute``)."""
    db = _db()
    with db.cursor() as cursor:
        _execute(db, cursor, statement, params, prepare=prepare)
        row = cursor.fetchone()
    if row is None:
        return None
    converters = _converters(model, tuple(names))
    return {name: _convert(db, value, found) for name, value, found in zip(names, row, converters, strict=True)}


def _db() -> Any:
    """This thread's connection object itself: the ``connection`` proxy looks it up on every
    attribute, a cost the hot path pays dozens of times a call."""
    return connections[DEFAULT_DB_ALIAS]


def _convert(db: Any, value: Any, found: tuple[Any, list]) -> Any:
    expression, converters = found
    for converter in converters:
        value = converter(value, expression, db)
    return value


@cache
def _converters(model: type[models.Model], names: tuple[str, ...]) -> tuple[tuple[Any, list], ...]:
    fields = _fields(model)
    found = []
    for name in names:
        column = fields[name].cached_col
        own = fields[name].get_db_converters(connection)  # type: ignore[attr-defined]  # untyped in django-stubs
        found.append((column, connection.ops.get_db_converters(column) + own))
    return tuple(found)


def fetch_value(statement: str, params: Sequence[Any], *, prepare: bool = False) -> Any:
    """The first column of the first row of a statement."""
    db = _db()
    with db.cursor() as cursor:
        _execute(db, cursor, statement, params, prepare=prepare)
        return cursor.fetchone()[0]


# Per database connection: statement text -> the name it was prepared under.
_prepared: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()
PREPARED_MAX = 64


def _execute(db: Any, cursor, statement: str, params: Sequence[Any], *, prepare: bool) -> None:
    """Run ``statement``; with ``prepare`` on PostgreSQL (and DB_PREPARED_STATEMENTS), as a
    statement this connection prepared the first time it ran it: the server plans the
    hot path's CTEs once per connection instead of on every call (their planning took
    longer than their execution). At most PREPARED_MAX shapes per connection; past that,
    statements run unprepared."""
    if not (prepare and settings.DB_PREPARED_STATEMENTS and db.vendor == "postgresql"):
        cursor.execute(statement, params)
        return
    names = _prepared.setdefault(db.connection, {})
    name = names.get(statement)
    if name is None:
        if len(names) >= PREPARED_MAX:
            cursor.execute(statement, params)
            return
        name = f"ec_hot_{len(names)}"
        pieces = statement.split("%s")
        numbered = pieces[0] + "".join(f"${index}{piece}" for index, piece in enumerate(pieces[1:], start=1))
        cursor.execute(f"PREPARE {name} AS {numbered}")
        names[statement] = name
    cursor.execute(_execute_text(name, len(params)), params)


@cache
def _execute_text(name: str, count: int) -> str:
    return f"EXECUTE {name} ({', '.join(['%s'] * count)})" if count else f"EXECUTE {name}"


def execute(statement: str, params: Sequence[Any]) -> int:
    """Run a statement; the number of rows it changed."""
    with _db().cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def for_update() -> str:
    """The row-lock clause where the backend has one (SQLite's IMMEDIATE transactions
    already hold the write lock)."""
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


def writes_durable() -> None:
    """Wait until every transaction this connection committed is on disk.

    A worker's connection commits without waiting for the disk (``synchronous_commit``
    off, apps.engine.tasks): a call's start, its outcome and the downstream calls it routed
    are visible to other workers at once, and the next hop runs while this flush happens.
    A task calls this before it returns, so its message is acknowledged only once what it
    recorded is durable: a database that crashes first loses those commits, keeps the
    message, and the call runs again (its downstream rows were in later WAL, lost with it,
    and their messages find no row). One explicit transaction that takes a transaction id
    and commits synchronously waits for the WAL up to its commit, which holds every
    earlier commit of the server."""
    db = _db()
    if db.vendor != "postgresql" or db.in_atomic_block or db.connection is None:
        return
    with db.cursor() as cursor:
        cursor.execute("BEGIN; SET LOCAL synchronous_commit TO on; SELECT txid_current(); COMMIT")
