"""``flow ls queues``: each broker queue's newest sample from the queue monitor (ready, in
flight, consumers, rates, age of the oldest ready message, state)."""

from __future__ import annotations

from typing import Any

import click

from apps.cli.context import Session, pass_session
from apps.cli.kinds import Column
from apps.cli.objects import echo_page

QUEUE_COLUMNS = tuple(Column(header, key) for header, key in (
    ("Queue", "name"), ("Processor", "processor"), ("Ready", "ready"), ("In Flight", "inflight"),
    ("Consumers", "consumers"), ("In/s", "arrival_rate"), ("Out/s", "completion_rate"),
    ("Oldest", "oldest_age"), ("State", "state"), ("Max Length", "max_length"), ("Sampled", "sampled"),
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
        data = {**data, "results": [shown(sample) for sample in data.get("results", [])]}
    echo_page(session, QUEUE_COLUMNS, data, page=page, rows=rows)
