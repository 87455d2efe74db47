"""The root ``flow`` group: global options, the command groups, and error reporting.

Every failure prints one ``error: <message>`` line on stderr (field details indented
below it) and exits with the error's code; a traceback only with ``--debug``.
"""

from __future__ import annotations

import traceback
from typing import Any

import click

from apps.cli import auth, calls, compose, listen, network, objects, proc, server, tasks, users
from apps.cli.context import Session
from apps.cli.errors import CliError
from apps.cli.queues import list_queues, queue
from apps.client.config import ConfigError
from apps.client.errors import ApiError, ServerError, Unauthorized

EXPECTED = (ApiError, CliError, ConfigError)


def detail_lines(detail: Any, prefix: str = "") -> list[str]:
    """Field errors ``{"name": ["taken"]}`` as ``name: taken`` lines."""
    if detail is None:
        return []
    if isinstance(detail, dict):
        lines: list[str] = []
        for key, value in detail.items():
            label = f"{prefix}{key}"
            if isinstance(value, dict):
                lines.extend(detail_lines(value, prefix=f"{label}."))
            elif isinstance(value, list):
                lines.append(f"{label}: {'; '.join(str(item) for item in value)}")
            else:
                lines.append(f"{label}: {value}")
        return lines
    if isinstance(detail, list):
        return [str(item) for item in detail]
    return [str(detail)]


def error_text(exc: Exception, command: str | None) -> str:
    if isinstance(exc, ApiError | CliError):
        message = exc.message
        if isinstance(exc, Unauthorized) and command not in ("login", "logout"):
            message += " (log in with `flow login`)"
        if isinstance(exc, ServerError) and exc.request_id:
            message += f" (request id {exc.request_id})"
        lines = [f"error: {message}"] + [f"  {line}" for line in detail_lines(exc.detail)]
        return "\n".join(lines)
    if isinstance(exc, ConfigError):
        return f"error: {exc}"
    return f"error: unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)"


def exit_code(exc: Exception) -> int:
    return int(getattr(exc, "exit_code", 1))


class FlowGroup(click.Group):
    """The root group: turns every error below it into one line and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # the one place that reports every failure
            if ctx.params.get("debug"):
                traceback.print_exc()
            click.echo(error_text(exc, ctx.invoked_subcommand), err=True)
            ctx.exit(exit_code(exc))


@click.group(cls=FlowGroup, invoke_without_command=True)
@click.option("--debug", is_flag=True, help="Debug switch: show tracebacks")
@click.option("--json", "json_output", is_flag=True, help="Machine output (JSON)")
@click.option("--url", help="Server URL (overrides FLOW_URL and the configuration file)")
@click.option("-i", "--ini", type=click.Path(dir_okay=False),
              help="Configuration file (default ~/.config/elasticcode/flow.ini, or FLOW_CONFIG)")
@click.option("-c", "--config", "configure_now", is_flag=True, help="Configure the server URL interactively")
@click.pass_context
def cli(ctx: click.Context, debug: bool, json_output: bool, url: str | None, ini: str | None,
        configure_now: bool) -> None:
    """CLI for creating & managing flow networks"""
    session = ctx.ensure_object(Session)
    session.debug, session.json_output, session.url_override, session.config_file = debug, json_output, url, ini
    ctx.call_on_close(session.close)
    if configure_now:
        auth.configure(session)
    elif ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


for _group in (objects.add, objects.update, objects.delete, objects.ls):
    cli.add_command(_group)
for _command in (users.add_user, users.add_role, users.add_privilege):
    objects.add.add_command(_command)
for _command in (users.show_user, calls.list_calls, calls.show_call, list_queues):
    objects.ls.add_command(_command)
for _command in (auth.login, auth.logout, auth.whoami, users.user, tasks.task, proc.proc,
                 compose.compose, listen.listen, queue, network.network, network.node,
                 *server.SERVER_GROUPS):
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="flow")
