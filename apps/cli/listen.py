"""``flow listen --name NAME --channel task|log|metric``: print live events, one JSON line each."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable

import click

from apps.cli.context import Session, pass_session
from apps.cli.errors import CliError
from apps.client.live import listen as live_listen
from apps.client.live import listen_topic


def load_adaptor(dotted: str) -> Callable[[dict], object]:
    """``module.function`` or ``module.Class.function``, imported (never evaluated)."""
    parts = dotted.split(".")
    for split in range(len(parts) - 1, 0, -1):
        module_name, attributes = ".".join(parts[:split]), parts[split:]
        try:
            target: object = importlib.import_module(module_name)
        except ImportError:
            continue
        try:
            for attribute in attributes:
                target = getattr(target, attribute)
        except AttributeError:
            break
        if callable(target):
            return target
        raise CliError(f"the adaptor '{dotted}' is not callable")
    raise CliError(f"cannot load the adaptor '{dotted}': give module.function from an importable module")


def printer(pretty: bool) -> Callable[[dict], None]:
    def echo(event: dict) -> None:
        click.echo(json.dumps(event, indent=2 if pretty else None, default=str, ensure_ascii=False))

    return echo


def say_subscribed(message: dict) -> None:
    channel = f" ({message['channel']})" if message.get("channel") else ""
    click.echo(f"Subscribed to {message.get('topic')}{channel}", err=True)


def warn_gap(gap: dict) -> None:
    click.echo(f"warning: {gap.get('missed', '?')} events of {gap.get('topic', '?')} were not delivered "
               f"({gap.get('reason', 'unknown')})", err=True)


@click.command()
@click.option("-n", "--name", required=True,
              help="Name of processor (or socket, queue), or a topic such as run:<id> or calls:all")
@click.option("-c", "--channel", type=click.Choice(["task", "log", "metric"]), required=True, help="Listen channel")
@click.option("--pretty", is_flag=True, help="Indented JSON instead of one line per event")
@click.option("-a", "--adaptor", help="Function called with each event (e.g. my.module.function)")
@pass_session
def listen(session: Session, name: str, channel: str, pretty: bool, adaptor: str | None) -> None:
    """Listen to a processor output."""
    handler = load_adaptor(adaptor) if adaptor else printer(pretty)
    click.echo(f"Listening to {name} ({channel}); Ctrl-C to stop", err=True)
    try:
        live_listen(session.url, session.config.token, listen_topic(name, channel), handler,
                    channel=channel, on_gap=warn_gap, on_subscribed=say_subscribed)
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
