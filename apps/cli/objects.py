"""Generic ``flow add|update|delete|ls`` for every kind of ``kinds.KINDS``.

``flow ls <plural>`` lists a page; ``flow ls <singular> -n NAME`` shows one object.
Commands are built by one factory per verb, so each closes over its own kind.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import click

from apps.cli.context import Session, current_session
from apps.cli.errors import CliError
from apps.cli.kinds import KINDS, Column, Kind
from apps.cli.render import detail_rows, echo_json, echo_table, footer

add = click.Group("add", help="Add an object to the database")
update = click.Group("update", help="Update a database object")
delete = click.Group("delete", help="Delete an object from the database")
ls = click.Group("ls", help="List database objects and their relations")


def name_option(*, required: bool, help: str = "Name of the object") -> click.Option:
    return click.Option(["-n", "--name", "name"], required=required, help=help)


def id_option() -> click.Option:
    return click.Option(["--id", "object_id"], help="ID of the object")


def page_options(rows: int) -> list[click.Option]:
    return [
        click.Option(["-p", "--page", "page"], type=click.IntRange(min=1), default=1, show_default=True),
        click.Option(["-r", "--rows", "rows"], type=click.IntRange(1, 1000), default=rows, show_default=True),
    ]


def given(values: dict[str, Any]) -> dict[str, Any]:
    """The options the user gave (click leaves the others None)."""
    return {key: value for key, value in values.items() if value is not None}


def announce(session: Session, obj: Any, text: str) -> None:
    if session.json_output:
        echo_json(obj)
        return
    object_id = obj.get("id") if isinstance(obj, dict) else None
    click.echo(f"{text} (id {object_id})" if object_id else text)
    for warning in (obj.get("warnings") or []) if isinstance(obj, dict) else []:
        click.echo(f"warning: {warning}", err=True)


def parse_sets(pairs: Iterable[str]) -> dict[str, Any]:
    """``key=value`` pairs; a value that parses as JSON is taken as JSON, else as text."""
    body: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise CliError(f"--set needs KEY=VALUE, not '{pair}'")
        try:
            body[key.strip()] = json.loads(raw)
        except ValueError:
            body[key.strip()] = raw
    return body


def page_of(data: Any) -> tuple[list[dict], int]:
    """(results, total count) of a paginated answer or a plain list."""
    if isinstance(data, list):
        return data, len(data)
    if not isinstance(data, dict):
        return [], 0
    results = data.get("results", [])
    return results, int(data.get("count", len(results)))


def echo_page(
    session: Session, columns: tuple[Column, ...], data: Any, *, page: int, rows: int, numbered: bool = False
) -> None:
    """A page as a table with the "Page 1 of N of M total records" footer, or as JSON."""
    results, count = page_of(data)
    pages = max(1, -(-count // rows))
    if session.json_output:
        echo_json({"count": count, "page": page, "pages": pages, "rows": rows, "results": results})
        return
    headers = [column.header for column in columns]
    table_rows = [[obj.get(column.key) for column in columns] for obj in results]
    if numbered:
        headers = ["Page", "Row", *headers]
        table_rows = [[page, index, *row] for index, row in enumerate(table_rows, start=1)]
    echo_table(headers, table_rows)
    click.echo(footer(page, rows, count))


def echo_object(session: Session, columns: tuple[Column, ...], obj: dict, *, details: bool = True) -> None:
    """One object: its row of columns, then the other non-empty fields."""
    if session.json_output:
        echo_json(obj)
        return
    echo_table([column.header for column in columns], [[obj.get(column.key) for column in columns]])
    rest = detail_rows(obj, skip={column.key for column in columns})
    if details and rest:
        echo_table(["Field", "Value"], rest, title="Details")


def make_add(kind: Kind) -> click.Command:
    def callback(name: str, **values: Any) -> None:
        session = current_session()
        created = session.client().post(f"{kind.path}/", {kind.name_key: name, **given(values)})
        announce(session, created, f'{kind.title} "{name}" added')

    params: list[click.Parameter] = [name_option(required=True), *(field.option(for_add=True) for field in kind.fields)]
    return click.Command(kind.name, callback=callback, params=params, help=f"Add {kind.a}.")


def make_update(kind: Kind) -> click.Command:
    def callback(name: str | None, object_id: str | None, rename: str | None, sets: tuple[str, ...],
                 **values: Any) -> None:
        session = current_session()
        target = session.lookup(kind.path, name=name, object_id=object_id)
        body = {**given(values), **parse_sets(sets)}
        if rename:
            body[kind.name_key] = rename
        if not body:
            raise CliError(f"nothing to update: give at least one option (see flow update {kind.name} --help)")
        updated = session.client().patch(f"{kind.path}/{target['id']}/", body)
        label = target.get(kind.name_key) or target["id"]
        announce(session, updated, f'{kind.title} "{label}" updated ({", ".join(sorted(body))})')

    params: list[click.Parameter] = [
        name_option(required=False), id_option(),
        click.Option(["--rename", "rename"], help="New name"),
        click.Option(["--set", "sets"], multiple=True, help="KEY=VALUE for any other field (VALUE may be JSON)"),
        *(field.option(for_add=False) for field in kind.fields),
    ]
    return click.Command(kind.name, callback=callback, params=params, help=f"Update {kind.a}.")


def make_delete(kind: Kind) -> click.Command:
    def callback(name: str | None, object_id: str | None) -> None:
        session = current_session()
        target = session.lookup(kind.path, name=name, object_id=object_id)
        session.client().delete(f"{kind.path}/{target['id']}/")
        label = target.get(kind.name_key) or target["id"]
        announce(session, {"id": target["id"], "deleted": True}, f'{kind.title} "{label}" deleted')

    params: list[click.Parameter] = [name_option(required=False), id_option()]
    return click.Command(kind.name, callback=callback, params=params, help=f"Delete {kind.a}.")


def make_list(kind: Kind) -> click.Command:
    def callback(page: int, rows: int, search: str | None, ordering: str | None) -> None:
        session = current_session()
        params = given({"page": page, "rows": rows, "search": search, "ordering": ordering})
        echo_page(session, kind.columns, session.client().get(f"{kind.path}/", params), page=page, rows=rows)

    params: list[click.Parameter] = [
        *page_options(20),
        click.Option(["-s", "--search", "search"], help="Only objects matching this text"),
        click.Option(["-o", "--ordering", "ordering"], help="Sort field, '-' for descending (e.g. -lastupdated)"),
    ]
    return click.Command(kind.path, callback=callback, params=params, help=f"List {kind.path}.")


def make_show(kind: Kind) -> click.Command:
    def callback(name: str | None, object_id: str | None) -> None:
        session = current_session()
        echo_object(session, kind.columns, session.lookup(kind.path, name=name, object_id=object_id))

    params: list[click.Parameter] = [name_option(required=False), id_option()]
    return click.Command(kind.name, callback=callback, params=params, help=f"Show one {kind.name}.")


FACTORIES = (
    ("add", add, make_add),
    ("update", update, make_update),
    ("delete", delete, make_delete),
    ("list", ls, make_list),
    ("show", ls, make_show),
)

for _kind in KINDS:
    for _verb, _group, _factory in FACTORIES:
        if _verb in _kind.verbs:
            _group.add_command(_factory(_kind))
