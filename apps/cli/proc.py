"""``flow proc start|stop|pause|resume|restart|mount|remove -n NAME``."""

from __future__ import annotations

import click

from apps.cli.context import Session, pass_session
from apps.cli.render import echo_json

VERBS = {
    "start": "Start a processor",
    "stop": "Stop a processor",
    "pause": "Pause a processor",
    "resume": "Resume a paused processor",
    "restart": "Restart a processor",
    "mount": "Mount the processor's code again (clone, venv, introspect)",
}


@click.group()
@click.option("--id", "object_id", help="ID of processor")
@click.pass_context
def proc(ctx: click.Context, object_id: str | None) -> None:
    """Run or manage processors."""
    ctx.meta["processor_id"] = object_id


def _target(session: Session, name: str | None) -> dict:
    object_id = click.get_current_context().meta.get("processor_id")
    return session.lookup("processors", name=name, object_id=object_id)


def make_verb(verb: str, help: str) -> click.Command:
    @click.command(verb, help=help)
    @click.option("-n", "--name", help="Processor name")
    @pass_session
    def command(session: Session, name: str | None) -> None:
        processor = _target(session, name)
        answer = session.client().post(f"processors/{processor['id']}/{verb}/") or {}
        if session.json_output:
            echo_json(answer)
            return
        status = answer.get("requested_status") or answer.get("status") or answer.get("mount_status")
        suffix = f" (status: {status})" if status else ""
        click.echo(f'Processor "{processor["name"]}": {verb} requested{suffix}')

    return command


@proc.command()
@click.option("-n", "--name", help="Processor name")
@pass_session
def remove(session: Session, name: str | None) -> None:
    """Remove a processor (and its sockets, plugs and deployments)."""
    processor = _target(session, name)
    session.client().delete(f"processors/{processor['id']}/")
    click.echo(f'Processor "{processor["name"]}" removed')


for _verb, _help in VERBS.items():
    proc.add_command(make_verb(_verb, _help))
