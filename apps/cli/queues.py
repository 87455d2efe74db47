"""``flow ls queues``: each broker queue's newest sample from the queue monitor (ready, in
flight, consumers, rates, age of the oldest ready message, runs waiting in joins, calls of the
last hour whose lost message was sent again, state).
Every socket's queue and every plug's own queue is one line.

``flow queue peek NAME [--limit N]``: the messages waiting on a broker queue, redacted.
``flow queue purge NAME [--yes]``: empty it (asks for the name typed again unless --yes)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import click

from apps.cli.context import Session, pass_session
from apps.cli.errors import CliError
from apps.cli.kinds import Column
from apps.cli.objects import echo_page
from apps.cli.render import echo_json, echo_table

QUEUE_COLUMNS = tuple(Column(header, key) for header, key in (
    ("Queue", "name"), ("Processor", "processor"), ("Ready", "ready"), ("In Flight", "inflight"),
    ("Consumers", "consumers"), ("In/s", "arrival_rate"), ("Out/s", "completion_rate"),
    ("Oldest", "oldest_age"), ("In Joins", "joined"), ("Re-sent", "resent"), ("State", "state"),
    ("Max Length", "max_length"), ("Sampled", "sampled"),
))


def shown(sample: dict[str, Any]) -> dict[str, Any]:
    """A sample as the table shows it: rates to two places, the age in seconds, no limit as "-"."""
    age = sample.get("oldest_age")
    return {
        **sample,
        "arrival_rate": f"{sample.get('arrival_rate') or 0:.2f}",
        "completion_rate": f"{sample.get('completion_rate') or 0:.2f}",
        "oldest_age": "-" if age is None else f"{age:.1f} s",
        "max_length": "-" if (sample.get("max_length") or -1) < 0 else sample["max_length"],
    }


@click.command("queues")
@click.option("-p", "--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("-r", "--rows", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("-q", "--queue", help="Only the broker queues of this queue")
@click.option("-pn", "--processor", help="Only the queues of this processor")
@click.option("-s", "--state", type=click.Choice(["ok", "warn", "full", "paused"]), help="Only queues in this state")
@pass_session
def list_queues(session: Session, page: int, rows: int, queue: str | None, processor: str | None,
                state: str | None) -> None:
    """List queues with their live depth and rates (the queue monitor's newest samples)."""
    filters = {key: value for key, value in (("queue", queue), ("processor", processor), ("state", state)) if value}
    data = session.client().get("monitor/queues/", {**filters, "page": page, "rows": rows})
    if not session.json_output and isinstance(data, dict):
        broker = data.get("broker") or {}
        if broker.get("state") == "unreachable":
            click.echo(f"Broker unreachable since {broker.get('since')}: {broker.get('message')}", err=True)
        data = {**data, "results": [shown(sample) for sample in data.get("results", [])]}
    echo_page(session, QUEUE_COLUMNS, data, page=page, rows=rows)


MESSAGE_HEADERS = ("#", "Call", "Socket", "State", "Age", "Run", "Priority", "Arguments")


def _queue_path(name: str, verb: str) -> str:
    return f"monitor/queues/{quote(name, safe='')}/{verb}/"


def message_row(message: dict[str, Any], *, arguments_shown: bool) -> tuple:
    """A waiting message as the peek table shows it; "-" where nothing is known."""
    if message["call"] is None:
        return (message["position"], "(no call of this queue)", "-", "-", "-", "-", message["priority"], "-")
    age = "-" if message["age"] is None else f"{message['age']:.1f} s"
    priority = "-" if message["priority"] is None else message["priority"]
    arguments = message["arguments"] if arguments_shown else "(needs READ_CALL)"
    return (message["position"], message["call"], message["socket"], message["state"], age, message["run"],
            priority, arguments)


@click.group("queue")
def queue() -> None:
    """Look at or empty a broker queue (names as `flow ls queues` shows them)."""


@queue.command()
@click.argument("name")
@click.option("-l", "--limit", type=click.IntRange(1, 500), default=50, show_default=True,
              help="How many waiting messages to show")
@pass_session
def peek(session: Session, name: str, limit: int) -> None:
    """List the messages waiting on a queue, next first, without taking any."""
    data = session.client().get(_queue_path(name, "messages"), {"limit": limit})
    if session.json_output:
        echo_json(data)
        return
    source = "the broker" if data["source"] == "broker" else "the calls still queued (RabbitMQ cannot be peeked)"
    rows = [message_row(m, arguments_shown=data["arguments_shown"]) for m in data["messages"]]
    echo_table(MESSAGE_HEADERS, rows,
               title=f"Queue {data['name']}: {data['ready']} ready; the first {len(rows)} from {source}")


@queue.command()
@click.argument("name")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for the name to be typed again")
@pass_session
def purge(session: Session, name: str, yes: bool) -> None:
    """Empty a queue: its waiting messages are removed and their calls cancelled."""
    if not yes:
        typed = click.prompt(f"This removes every message waiting on {name} and cancels its queued calls.\n"
                             "Type the queue name to confirm", default="", show_default=False)
        if typed != name:
            raise CliError(f"you typed {typed!r}, not the queue name; nothing was purged")
    data = session.client().post(_queue_path(name, "purge"), {"confirm": name})
    if session.json_output:
        echo_json(data)
        return
    click.echo(f'Queue "{data["name"]}": purged {data["purged"]} messages, cancelled {data["cancelled"]} queued calls')
