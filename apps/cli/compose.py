"""``flow compose up|down|diff -f network.yaml``: declarative networks, nodes, queues,
processors, sockets and plugs (see ``examples/network.yaml``)."""

from __future__ import annotations

import click

from apps.cli.compose_plan import Change, apply, plan_down, plan_up
from apps.cli.compose_spec import load
from apps.cli.context import Session, pass_session
from apps.cli.render import echo_json

FILE_OPTION = click.option(
    "-f", "--file", "path", default="network.yaml", show_default=True,
    type=click.Path(dir_okay=False), help="Compose file",
)


@click.group()
def compose() -> None:
    """Manage declarative infrastructure files"""


def _progress(index: int, total: int, change: Change) -> None:
    """One line per object applied; an update also shows its fields."""
    lines = change.lines() if change.action == "update" else [change.head]
    click.echo(f"[{index}/{total}] " + "\n".join(lines))


def _run(session: Session, changes: list[Change], *, none: str, done: str) -> None:
    if session.json_output:
        apply(session.client(), changes, lambda *_: None)
        echo_json([change.as_dict() for change in changes])
        return
    if not changes:
        click.echo(none)
        return
    apply(session.client(), changes, _progress)
    click.echo(done.format(count=len(changes), s="" if len(changes) == 1 else "s"))


@compose.command()
@FILE_OPTION
@pass_session
def up(session: Session, path: str) -> None:
    """Create what the file declares and is missing; update what differs."""
    changes = plan_up(session.client(), load(path))
    _run(session, changes, none="no changes", done="{count} change{s} applied")


@compose.command()
@FILE_OPTION
@click.option("--yes", is_flag=True, help="Do not ask for confirmation")
@pass_session
def down(session: Session, path: str, yes: bool) -> None:
    """Delete what the file declares (in reverse order)."""
    changes = plan_down(session.client(), load(path))
    if changes and not yes and not session.json_output:
        click.echo("\n".join(line for change in changes for line in change.lines()))
        click.confirm(f"Delete these {len(changes)} objects?", abort=True)
    _run(session, changes, none="nothing to delete", done="{count} object{s} deleted")


@compose.command()
@FILE_OPTION
@click.option("--down", "going_down", is_flag=True, help="Show what down would delete instead")
@pass_session
def diff(session: Session, path: str, going_down: bool) -> None:
    """Show what up (or down) would change, without changing anything."""
    document = load(path)
    changes = plan_down(session.client(), document) if going_down else plan_up(session.client(), document)
    if session.json_output:
        echo_json([change.as_dict() for change in changes])
    elif not changes:
        click.echo("no changes")
    else:
        click.echo("\n".join(line for change in changes for line in change.lines()))
