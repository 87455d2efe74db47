"""``flow proc start|stop|pause|resume|restart|mount|remove -n NAME``,
``flow proc scale NAME --min N --max M [--drain S] [--to-zero/--no-to-zero]`` and
``flow proc secret -n NAME --secret SECRET|--none`` (an admin's act: ATTACH_SECRET)."""

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
@click.option("-s", "--secret", help="The secret its functions get (by name)")
@click.option("--none", "detach", is_flag=True, help="Take its secret away")
@pass_session
def secret(session: Session, name: str | None, secret: str | None, detach: bool) -> None:
    """Give a processor's functions a secret, or take it away (needs ATTACH_SECRET)."""
    if bool(secret) == detach:
        raise click.UsageError("give either --secret NAME or --none")
    processor = _target(session, name)
    session.client().post(f"processors/{processor['id']}/secret/", {"secret": None if detach else secret})
    what = f'gets the secret "{secret}"' if secret else "has no secret any more"
    click.echo(f'Processor "{processor["name"]}" {what}')


@proc.command()
@click.option("-n", "--name", help="Processor name")
@pass_session
def remove(session: Session, name: str | None) -> None:
    """Remove a processor (and its sockets, plugs and deployments)."""
    processor = _target(session, name)
    session.client().delete(f"processors/{processor['id']}/")
    click.echo(f'Processor "{processor["name"]}" removed')


@proc.command()
@click.argument("name", required=False)
@click.option("--min", "minimum", type=click.IntRange(min=0), help="Fewest worker processes (0 needs --to-zero)")
@click.option("--max", "maximum", type=click.IntRange(min=1), help="Most worker processes")
@click.option("--drain", type=click.IntRange(min=1), help="Seconds to drain a backlog in")
@click.option("--to-zero/--no-to-zero", "to_zero", default=None, help="Run no worker while idle")
@pass_session
def scale(session: Session, name: str | None, minimum: int | None, maximum: int | None, drain: int | None,
          to_zero: bool | None) -> None:
    """Set the bounds the scaler keeps a processor's concurrency in."""
    fields = {"min_concurrency": minimum, "max_concurrency": maximum, "drain_seconds": drain,
              "scale_to_zero": to_zero}
    body = {key: value for key, value in fields.items() if value is not None}
    if not body:
        raise click.UsageError("give at least one of --min, --max, --drain, --to-zero/--no-to-zero")
    processor = _target(session, name)
    answer = session.client().patch(f"processors/{processor['id']}/", body) or {}
    if session.json_output:
        echo_json(answer)
        return
    zero = ", scales to zero" if answer.get("scale_to_zero") else ""
    click.echo(f'Processor "{processor["name"]}": concurrency {answer.get("current_concurrency")} within '
               f'{answer.get("min_concurrency")}..{answer.get("max_concurrency")}, drain '
               f'{answer.get("drain_seconds")} s{zero}')


for _verb, _help in VERBS.items():
    proc.add_command(make_verb(_verb, _help))
