"""``flow ls calls`` (paged) and ``flow ls call --id X [--result --tree --graph --flow]``."""

from __future__ import annotations

from typing import Any

import click

from apps.cli.context import Session, pass_session
from apps.cli.errors import CliError
from apps.cli.kinds import Column
from apps.cli.objects import echo_page
from apps.cli.render import echo_json, echo_table, result_text
from apps.cli.trees import graph_lines, tree_lines
from apps.client.errors import NotFound
from apps.client.http import ApiClient

UNFINISHED = ("queued", "received", "running", "retry")
CALL_COLUMNS = tuple(Column(header, key) for header, key in (
    ("Name", "name"), ("ID", "id"), ("Owner", "owner"), ("Last Updated", "lastupdated"),
    ("Socket", "socket"), ("Started", "started"), ("Finished", "finished"), ("State", "state"),
))
PROVENANCE = (
    ("Tracking", "tracking"), ("Parent", "parent"), ("Task Parent", "taskparent"), ("Commit", "commit"),
    ("Flow Version", "version_label"), ("Node", "node"), ("Agent", "agent"), ("Worker", "worker"),
)
EVENT_HEADERS = ["Name", "ID", "Owner", "Last Updated", "Note"]
NO_TREES = "call trees are not available on this server"


@click.command("calls")
@click.option("-p", "--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("-r", "--rows", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("-u", "--unfinished", is_flag=True, help="Only calls that have not ended")
@click.option("-a", "--ascend", is_flag=True, help="Oldest first")
@click.option("-s", "--state", help="Only calls in this state")
@click.option("-t", "--tracking", help="Only calls of this run (tracking id)")
@click.option("-tk", "--task", "socket", help="Only calls of this socket")
@pass_session
def list_calls(session: Session, page: int, rows: int, unfinished: bool, ascend: bool,
               state: str | None, tracking: str | None, socket: str | None) -> None:
    """List calls, newest first."""
    filters = {key: value for key, value in (("tracking", tracking), ("socket", socket)) if value}
    if unfinished:
        data = unfinished_page(session.client(), filters, page=page, rows=rows, ascend=ascend)
    else:
        params = {**filters, "page": page, "rows": rows, "ordering": "started" if ascend else "-started"}
        data = session.client().get("calls/", {**params, **({"state": state} if state else {})})
    echo_page(session, CALL_COLUMNS, data, page=page, rows=rows, numbered=True)


def unfinished_page(client: ApiClient, filters: dict, *, page: int, rows: int, ascend: bool) -> dict:
    """One page of the calls in any unfinished state (the API filters one state at a time;
    unfinished calls are the few in flight, so they are gathered and paged here)."""
    calls = [call for state in UNFINISHED for call in client.list_all("calls/", {**filters, "state": state})]
    calls.sort(key=lambda call: call.get("started") or call.get("created") or "", reverse=not ascend)
    start = (page - 1) * rows
    return {"count": len(calls), "results": calls[start:start + rows]}


@click.command("call")
@click.option("--id", "call_id", help="ID of call")
@click.option("-n", "--name", help="Name of call (the newest call of that name)")
@click.option("-r", "--result", is_flag=True, help="Include result of call")
@click.option("-t", "--tree", is_flag=True, help="Show forward call tree")
@click.option("-g", "--graph", is_flag=True, help="Show complete call graph")
@click.option("-f", "--flow", is_flag=True, help="Show all calls in a workflow")
@pass_session
def show_call(session: Session, call_id: str | None, name: str | None, result: bool,
              tree: bool, graph: bool, flow: bool) -> None:
    """List details about a call record."""
    client = session.client()
    call = find_call(client, call_id, name)
    extras = {"events": call_events(client, call)}
    if flow:
        extras["flow"] = list(client.list_all("calls/", {"tracking": call.get("tracking"), "ordering": "started"}))
    if tree:
        extras["tree"] = provenance(client, call["id"], "tree")
    if graph:
        extras["graph"] = provenance(client, call["id"], "graph")
    if session.json_output:
        echo_json({**call, **extras})
        return
    echo_call(call, extras, with_result=result)


def find_call(client: ApiClient, call_id: str | None, name: str | None) -> dict:
    if call_id:
        return client.get(f"calls/{call_id}/")
    if not name:
        raise CliError("give the call's id (--id) or name (-n/--name)")
    page = client.get("calls/", {"name": name, "ordering": "-started", "rows": 1})
    results = page.get("results", []) if isinstance(page, dict) else page
    if not results:
        raise NotFound(f"no call named '{name}'", status=404)
    return results[0]


def call_events(client: ApiClient, call: dict) -> list[dict]:
    embedded = call.get("events")
    if isinstance(embedded, list) and all(isinstance(item, dict) for item in embedded):
        return embedded
    events = client.list_all("events/", {"call": call["id"], "ordering": "created"})
    return [event for event in events if event.get("call") in (call["id"], None)]


def provenance(client: ApiClient, call_id: str, view: str) -> Any:
    """GET calls/{id}/tree/ or graph/; a 404 here means the server has no such view."""
    try:
        return client.get(f"calls/{call_id}/{view}/")
    except NotFound:
        raise CliError(NO_TREES, exit_code=4) from None


def echo_result(call: dict) -> None:
    """The result (when the call has one), its error and its captured log."""
    sections = [("Result", result_text(call["result"]) if call.get("result") is not None else "")]
    sections += [("Error", call.get("error") or ""), ("Log", call.get("log") or "")]
    shown = [(title, text) for title, text in sections if text]
    for title, text in shown or [("Result", "None")]:
        click.echo(title)
        click.echo(text)


def call_rows(calls: list[dict]) -> list[list[Any]]:
    return [[call.get(column.key) for column in CALL_COLUMNS] for call in calls]


def echo_call(call: dict, extras: dict, *, with_result: bool) -> None:
    headers = [column.header for column in CALL_COLUMNS]
    echo_table(headers, call_rows([call]))
    echo_table([h for h, _ in PROVENANCE], [[call.get(key) for _, key in PROVENANCE]], title="Provenance")
    echo_table(
        EVENT_HEADERS,
        [[e.get("name"), e.get("id"), e.get("owner"), e.get("lastupdated") or e.get("created"), e.get("note")]
         for e in extras["events"]],
        title="Events",
    )
    if with_result:
        echo_result(call)
    if "flow" in extras:
        echo_table(headers, call_rows(extras["flow"]), title="Flow")
    if "tree" in extras:
        click.echo("\n".join(tree_lines(extras["tree"])))
    if "graph" in extras:
        click.echo("\n".join(graph_lines(extras["graph"])))
