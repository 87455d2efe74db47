"""``flow task run|show|code``: run a socket's task and wait for its result.

``--data`` is JSON or a Python literal (the specification's own ``"['some data']"``), read
with ``ast.literal_eval`` and never evaluated: a list (or tuple) becomes the positional
arguments, anything else the one positional argument. Text that is neither is taken as one
string argument, unless it starts like a literal (``[``, ``{``, ``"``, ``'``, ``(``): then it
is a mistake. ``--debug`` says which was read.
"""

from __future__ import annotations

import ast
import json
import math
import re
import sys
import time
from collections.abc import Callable
from typing import Any

import click

from apps.cli.context import Session, pass_session
from apps.cli.errors import CliError
from apps.cli.render import echo_json, echo_table, result_text
from apps.client.errors import NotFound
from apps.client.http import ApiClient

FINAL_STATES = frozenset({"finished", "failed", "cancelled", "expired"})
LITERAL_STARTS = ("[", "{", '"', "'", "(")
FIRST_DELAY, MAX_DELAY = 0.05, 0.5
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def _json_ready(value: Any, source: str) -> Any:
    """A Python literal as JSON would carry it: tuples become lists; sets, bytes, complex
    numbers, non-text keys and non-finite floats are refused."""
    if isinstance(value, (list, tuple)):
        return [_json_ready(item, source) for item in value]
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise CliError(f"{source}: dictionary keys must be strings to travel as JSON")
        return {key: _json_ready(item, source) for key, item in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        raise CliError(f"{source}: {value} cannot travel as JSON")
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise CliError(f"{source}: a {type(value).__name__} cannot travel as JSON; use lists, dicts, text and numbers")


def parse_data_explained(text: str, *, source: str = "--data") -> tuple[list, str]:
    """The positional arguments ``--data`` (or stdin) stands for, and how it was read."""
    try:
        value, how = json.loads(text), "JSON"
    except ValueError as json_error:
        if not text.lstrip().startswith(LITERAL_STARTS):
            return [text], "text (one string argument)"
        try:
            value, how = _json_ready(ast.literal_eval(text.strip()), source), "a Python literal"
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            raise CliError(f"{source} is neither JSON nor a Python literal: {json_error}") from None
    return (value if isinstance(value, list) else [value]), how


def parse_data(text: str, *, source: str = "--data") -> list:
    """The positional arguments that ``--data`` (or stdin) stands for."""
    return parse_data_explained(text, source=source)[0]


def parse_kwargs(text: str | None) -> dict:
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise CliError(f"--kwargs is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise CliError("--kwargs must be a JSON object, e.g. '{\"two\": 2}'")
    return value


def read_args(data: str | None, *, debug: bool = False) -> list:
    """``--data``, else stdin when it is piped (``echo "HI" | flow task run -s NAME``)."""
    if data is not None:
        text, source = data, "--data"
    else:
        stdin = sys.stdin  # click.get_text_stream is deprecated (Click 9.0 removes it)
        if stdin.isatty():
            return []
        text, source = stdin.read().rstrip("\r\n"), "stdin"
        if not text.strip():
            return []
    args, how = parse_data_explained(text, source=source)
    if debug:
        click.echo(f"debug: {source} read as {how}: {json.dumps(args)}", err=True)
    return args


def wait_for_call(
    client: ApiClient,
    call: dict,
    timeout: float,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict:
    """Poll the call (50 ms, doubling to 500 ms) until it ends; CliError (exit 1) on timeout."""
    deadline = clock() + timeout
    delay = FIRST_DELAY
    while call.get("state") not in FINAL_STATES:
        remaining = deadline - clock()
        if remaining <= 0:
            raise CliError(
                f"call {call['id']} did not finish within {timeout:g} s (state: {call.get('state')}); "
                f"see flow ls call --id {call['id']}",
                exit_code=1,
            )
        sleep(min(delay, remaining))
        delay = min(delay * 2, MAX_DELAY)
        call = client.get(f"calls/{call['id']}/")
    return call


def echo_outcome(session: Session, call: dict) -> None:
    """The result of a finished call; otherwise its error and exit code 1."""
    if session.json_output:
        echo_json(call)
    elif call.get("state") == "finished":
        click.echo(result_text(call.get("result")))
    if call.get("state") != "finished":
        raise CliError(call_error(call), exit_code=1)


def call_error(call: dict) -> str:
    lines = [line for line in str(call.get("error") or "").splitlines() if line.strip()]
    if not lines:
        return f"call {call.get('id')} ended {call.get('state')}"
    return lines[-1].strip()


def socket_task(client: ApiClient, socket: dict) -> dict:
    """The task behind a socket, whether the socket names it, embeds it or gives its id."""
    ref = socket.get("task_id") or socket.get("task")
    if isinstance(ref, dict):
        return client.get(f"tasks/{ref['id']}/") if ref.get("id") else ref
    if ref and _UUID.match(str(ref)):
        return client.get(f"tasks/{ref}/")
    processor = socket.get("processor")
    query = {"name": ref, **({"processor": processor} if processor else {})}
    matches = [
        task for task in client.list_all("tasks/", query)
        if task.get("name") == ref and (not processor or task.get("processor") in (processor, None))
    ]
    if not matches:
        raise NotFound(f"socket '{socket.get('name')}' has no task '{ref}' on the server", status=404)
    return matches[0]


def task_arguments(client: ApiClient, task: dict) -> list[dict]:
    embedded = task.get("arguments")
    if isinstance(embedded, list) and all(isinstance(item, dict) for item in embedded):
        return embedded
    rows = client.list_all("arguments/", {"task": task["id"]})
    return [row for row in rows if row.get("task") in (task["id"], task.get("name"), None)]


@click.group()
def task() -> None:
    """Pyfi task management: run a socket's task, show it, show its code."""


@task.command()
@click.option("-s", "--socket", required=True, help="Socket name")
@click.option("-d", "--data", help="Arguments as JSON or a Python literal: a list is the positional arguments")
@click.option("-k", "--kwargs", "kwargs_text", help="Keyword arguments as a JSON object")
@click.option("-r", "--run", "run_id", help="Add the call to this run (its tracking id), e.g. to complete a join")
@click.option("--wait/--no-wait", default=True, show_default=True, help="Wait for the result")
@click.option("-t", "--timeout", type=click.FloatRange(min=0), default=300, show_default=True, help="Seconds to wait")
@pass_session
def run(session: Session, socket: str, data: str | None, kwargs_text: str | None, run_id: str | None, wait: bool,
        timeout: float) -> None:
    """Run the socket's task with arguments and print its result."""
    body: dict = {"args": read_args(data, debug=session.debug), "kwargs": parse_kwargs(kwargs_text)}
    if run_id:
        if not _UUID.match(run_id):
            raise CliError(f"--run {run_id!r} is not a run id (the tracking id a call prints)")
        body["run"] = run_id
    client = session.client()
    target = client.find("sockets", socket)
    call = client.post(f"sockets/{target['id']}/run/", body)
    if not wait:
        if session.json_output:
            echo_json(call)
        else:
            click.echo(f"Call {call['id']} submitted (state {call.get('state')}, tracking {call.get('tracking')})")
        return
    echo_outcome(session, wait_for_call(client, call, timeout))


@task.command()
@click.option("-s", "--socket", required=True, help="Socket name")
@pass_session
def show(session: Session, socket: str) -> None:
    """The socket's task and its arguments."""
    client = session.client()
    target = client.find("sockets", socket)
    found = socket_task(client, target)
    arguments = task_arguments(client, found)
    if session.json_output:
        echo_json({**found, "arguments": arguments})
        return
    echo_table(
        ["Socket", "Task", "ID", "Processor", "Module", "Queue"],
        [[target.get("name"), found.get("name"), found.get("id"), target.get("processor"), found.get("module"),
          target.get("queue")]],
    )
    if found.get("docstring"):
        click.echo(found["docstring"])
    echo_table(
        ["Position", "Name", "Kind", "Annotation", "Default"],
        [[a.get("position"), a.get("name"), a.get("kind"), a.get("annotation"),
          a.get("default") if a.get("has_default") else ""] for a in arguments],
        title="Arguments",
    )


@task.command()
@click.option("-s", "--socket", required=True, help="Socket name")
@pass_session
def code(session: Session, socket: str) -> None:
    """The source code of the socket's task."""
    client = session.client()
    found = socket_task(client, client.find("sockets", socket))
    answer: Any = client.get(f"tasks/{found['id']}/code/")
    if isinstance(answer, dict):
        answer = answer.get("code") or answer.get("source") or ""
    click.echo(answer)
