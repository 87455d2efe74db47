"""The hot path's statements, without the ORM's query compiler.

Django compiles every ORM query afresh, 0.5-1.5 ms each: most of a recorded call's cost
when a call took ten of them. The call's transitions (apps.engine.recording) and the rows
routing adds are written here as plain statements whose text is built once per model;
only the values are prepared, each through its field's ``get_db_prep_save``, so they are
stored exactly as the ORM would store them on every backend (PostgreSQL, and SQLite for
the embedded default).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

_NO_DEFAULT = object()
M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Table:
    """A model's table as the statements use it."""

    name: str  # quoted
    fields: tuple[models.Field, ...]
    columns: str  # "(a, b, ...)", quoted
    row: str  # "(%s, %s, ...)"
    defaults: tuple[Any, ...]  # per field: a fixed default, or _NO_DEFAULT (callable, auto time, none)


@cache
def table(model: type[models.Model]) -> Table:
    quote = connection.ops.quote_name
    # Auto-increment keys are left to the database.
    fields = tuple(field for field in model._meta.concrete_fields if not isinstance(field, AutoFieldMixin))
    defaults = tuple(
        field.get_default() if field.has_default() and not callable(field.default) else _NO_DEFAULT
        for field in fields
    )
    return Table(
        name=quote(model._meta.db_table), fields=fields,
        columns="(" + ", ".join(quote(field.column) for field in fields) + ")",
        row="(" + ", ".join(["%s"] * len(fields)) + ")", defaults=defaults,
    )


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
    now = now or timezone.now()
    values: list[Any] = []
    for index, row in enumerate(rows):
        for field, default in zip(spec.fields, spec.defaults, strict=True):
            if field.attname in row:
                value = row[field.attname]
            elif default is not _NO_DEFAULT:
                value = default
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now + timedelta(microseconds=index)
            else:
                value = field.get_default()
            values.append(field.get_db_prep_save(value, connection))
    template = _row_template(model, if_exists) if if_exists else spec.row
    statement = f"INSERT INTO {spec.name} {spec.columns} VALUES {', '.join([template] * len(rows))}"
    if returning:
        statement += f" RETURNING {connection.ops.quote_name(returning)}"
    with connection.cursor() as cursor:
        cursor.execute(statement, values)
        return [row[0] for row in cursor.fetchall()] if returning else []


@cache
def _row_template(model: type[models.Model], if_exists: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    placeholders = []
    for field in table(model).fields:
        if field.attname in if_exists:
            target = field.related_model._meta  # type: ignore[union-attr]
            key = quote(target.pk.column)
            placeholders.append(f"(SELECT {key} FROM {quote(target.db_table)} WHERE {key} = %s)")
        else:
            placeholders.append("%s")
    return "(" + ", ".join(placeholders) + ")"


def prepared(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """Values for a hand-written statement, prepared by their fields (attname -> value)."""
    fields = _fields(model)
    return {name: fields[name].get_db_prep_save(value, connection) for name, value in values.items()}


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
              names: Sequence[str]) -> dict[str, Any] | None:
    """The first row of a statement returning ``names`` (attnames of ``model``, in that
    order), converted to Python values as the ORM reads them; None when there is none."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    if row is None:
        return None
    converters = _converters(model, tuple(names))
    return {name: _convert(value, found) for name, value, found in zip(names, row, converters, strict=True)}


def _convert(value: Any, found: tuple[Any, list]) -> Any:
    expression, converters = found
    for converter in converters:
        value = converter(value, expression, connection)
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


def execute(statement: str, params: Sequence[Any]) -> int:
    """Run a statement; the number of rows it changed."""
    with connection.cursor() as cursor:
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
    if connection.vendor != "postgresql" or connection.in_atomic_block or connection.connection is None:
        return
    with connection.cursor() as cursor:
        cursor.execute("BEGIN; SET LOCAL synchronous_commit TO on; SELECT txid_current(); COMMIT")
