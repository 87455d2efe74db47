"""Server-side commands, run on a machine with the source checkout: they start ``manage.py``
(or daphne, or celery beat) with this interpreter and this environment.

``db drop`` unapplies every migration rather than flushing rows: a flush would also delete
the seeded rows (one privilege per right) that ``migrate`` never recreates.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from apps.cli.errors import CliError

BASE_DIR = Path(__file__).resolve().parents[2]


def manage_py() -> Path:
    path = BASE_DIR / "manage.py"
    if not path.is_file():
        raise CliError(f"manage.py not found in {BASE_DIR}: server commands need the ElasticCode source checkout")
    return path


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "flowsite.settings")
    return env


def launch(argv: list[str], *, replace: bool = False, capture: bool = False) -> subprocess.CompletedProcess | None:
    """Run ``argv`` in the checkout; ``replace`` execs it in place of this process (servers)."""
    if replace:
        os.chdir(BASE_DIR)
        os.execve(argv[0], argv, child_env())
    return subprocess.run(argv, cwd=BASE_DIR, env=child_env(), text=True, capture_output=capture)


def manage(*args: str, capture: bool = False) -> str:
    """Run one management command to completion; CliError when it fails."""
    done = launch([sys.executable, str(manage_py()), *args], capture=capture)
    if done is not None and done.returncode != 0:
        if capture and done.stderr:
            click.echo(done.stderr.rstrip(), err=True)
        raise CliError(f"manage.py {args[0]} failed (exit code {done.returncode})", exit_code=1)
    return (done.stdout or "") if done is not None else ""


def serve(*args: str) -> None:
    launch([sys.executable, str(manage_py()), *args], replace=True)


def applied_apps() -> list[str]:
    """Apps with applied migrations, from ``showmigrations --list``: an unindented label,
    then its migrations as `` [X] name`` (applied) or `` [ ] name``."""
    applied: list[str] = []
    label = None
    for line in manage("showmigrations", "--list", "--skip-checks", capture=True).splitlines():
        if line.strip() and not line[0].isspace():
            label = line.strip()
        elif label and line.strip().startswith("[X]") and label not in applied:
            applied.append(label)
    return applied


def confirm(yes: bool, question: str) -> None:
    if not yes:
        click.confirm(question, abort=True)


@click.group()
def db() -> None:
    """Database operations"""


@db.command()
def init() -> None:
    """Initialize database tables (migrate) and the admin user."""
    click.echo("==> Applying migrations")
    manage("migrate", "--no-input")
    click.echo("==> Admin user")
    manage("ensure_admin")
    click.echo("Database initialized.")


@db.command()
def migrate() -> None:
    """Perform database migration/upgrade."""
    manage("migrate", "--no-input")


def drop_all() -> None:
    """Unapply every migration. Unapplying one app unapplies the apps that depend on it,
    so the list is read again after each step (a few steps, not one per app)."""
    applied = applied_apps()
    step = 0
    while applied:
        label = applied[0]
        step += 1
        click.echo(f"[{step}] dropping the tables of {label} and of the apps that depend on it")
        manage("migrate", label, "zero", "--no-input", "-v0")
        applied = applied_apps()
        if label in applied:
            raise CliError(f"the migrations of {label} could not be unapplied", exit_code=1)


@db.command()
@click.option("--yes", is_flag=True, help="Do not ask for confirmation")
def drop(yes: bool) -> None:
    """Drop all database tables."""
    confirm(yes, "Drop every ElasticCode table, with all its data?")
    drop_all()
    click.echo("Database dropped.")


@db.command()
@click.option("--yes", is_flag=True, help="Do not ask for confirmation")
@click.pass_context
def rebuild(ctx: click.Context, yes: bool) -> None:
    """Drop and rebuild database tables."""
    confirm(yes, "Drop every ElasticCode table, with all its data, and create them again?")
    drop_all()
    ctx.invoke(init)


@db.command("json")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout)")
def dump_json(output: str | None) -> None:
    """Dump the database to JSON."""
    args = ["dumpdata", "--indent", "2", "--natural-foreign",
            "--exclude", "contenttypes", "--exclude", "auth.permission", "--exclude", "sessions"]
    manage(*args, *(("--output", output) if output else ()))


def daphne(bind: str, port: int) -> None:
    launch([sys.executable, "-m", "daphne", "-b", bind, "-p", str(port), "flowsite.asgi:application"], replace=True)


def make_web_group(name: str, help: str) -> click.Group:
    group = click.Group(name, help=help)

    @group.command("start")
    @click.option("-b", "--bind", default="127.0.0.1", show_default=True, help="Address to listen on")
    @click.option("-p", "--port", type=int, default=8000, show_default=True, help="Port")
    def start(bind: str, port: int) -> None:
        """Start the web server (daphne: pages, REST API and websockets)."""
        daphne(bind, port)

    return group


web = make_web_group("web", "Web server admin")
api = make_web_group("api", "API server admin (the same server as web)")


@click.group()
def worker() -> None:
    """Run a worker"""


@worker.command("start")
@click.option("-n", "--name", "processor", required=True, help="Processor name")
@click.option("-c", "--concurrency", type=click.IntRange(min=1), help="Worker processes")
def worker_start(processor: str, concurrency: int | None) -> None:
    """Start a worker for one processor."""
    serve("worker", "--processor", processor, *(("--concurrency", str(concurrency)) if concurrency else ()))


@click.group()
def agent() -> None:
    """Commands for agent management"""


@agent.command("start", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def agent_start(args: tuple[str, ...]) -> None:
    """Start an agent: the options go to ``manage.py agent`` (see manage.py agent --help)."""
    serve("agent", *args)


@click.group()
def scheduler() -> None:
    """Scheduler management commands"""


@scheduler.command("start")
@click.option("-l", "--loglevel", default="INFO", show_default=True)
def scheduler_start(loglevel: str) -> None:
    """Start the scheduler (celery beat with the database schedule)."""
    launch([sys.executable, "-m", "celery", "-A", "flowsite", "beat", "-l", loglevel], replace=True)


SERVER_GROUPS = (db, web, api, worker, agent, scheduler)
