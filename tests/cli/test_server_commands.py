"""The server-side commands start manage.py (or daphne, celery) with this interpreter."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from apps.cli import server
from apps.cli.main import cli

MANAGE = str(server.BASE_DIR / "manage.py")


@pytest.fixture
def launched(monkeypatch):
    """The argv of every child the command would start (nothing is started). The fake
    database has accounts and core (which depends on it) and sessions, all applied."""
    runs: list[tuple[list[str], bool]] = []
    applied = {"accounts": True, "core": True, "sessions": True}
    dependents = {"accounts": ["core"]}

    def fake_launch(argv, *, replace=False, capture=False):
        runs.append((argv, replace))
        if "zero" in argv:
            label = argv[argv.index("zero") - 1]
            for name in (label, *dependents.get(label, [])):
                applied[name] = False
        listing = "".join(f"{name}\n [{'X' if on else ' '}] 0001_initial\n" for name, on in applied.items())
        return subprocess.CompletedProcess(argv, 0, stdout=listing if "showmigrations" in argv else "", stderr="")

    monkeypatch.setattr(server, "launch", fake_launch)
    return runs


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def test_db_init_migrates_and_creates_the_admin(launched):
    result = run("db", "init")
    assert result.exit_code == 0, result.output
    assert [argv for argv, _ in launched] == [
        [sys.executable, MANAGE, "migrate", "--no-input"],
        [sys.executable, MANAGE, "ensure_admin"],
    ]
    assert "==> Applying migrations" in result.output


def test_db_drop_asks_first_and_stops_on_no(launched):
    result = run("db", "drop", input="n\n")
    assert result.exit_code == 1
    assert launched == []


def test_db_drop_yes_unapplies_every_app(launched):
    result = run("db", "drop", "--yes")
    assert result.exit_code == 0, result.output
    listing = ["showmigrations", "--list", "--skip-checks"]
    assert [argv[2:] for argv, _ in launched] == [
        listing,
        ["migrate", "accounts", "zero", "--no-input", "-v0"],
        listing,
        ["migrate", "sessions", "zero", "--no-input", "-v0"],
        listing,
    ]
    assert "[2] dropping the tables of sessions and of the apps that depend on it" in result.output


def test_a_failing_management_command_is_one_error_line(monkeypatch):
    monkeypatch.setattr(server, "launch", lambda argv, **_: subprocess.CompletedProcess(argv, 3, "", ""))
    result = run("db", "migrate")
    assert result.exit_code == 1
    assert result.stderr == "error: manage.py migrate failed (exit code 3)\n"


def test_worker_start_runs_the_worker_command_in_place(launched):
    assert run("worker", "start", "-n", "proc1", "-c", "4").exit_code == 0
    assert launched == [([sys.executable, MANAGE, "worker", "--processor", "proc1", "--concurrency", "4"], True)]


def test_agent_start_passes_its_options_through(launched):
    assert run("agent", "start", "--name", "node1", "--cpus", "2").exit_code == 0
    assert launched == [([sys.executable, MANAGE, "agent", "--name", "node1", "--cpus", "2"], True)]


def test_web_and_api_start_daphne(launched):
    assert run("web", "start", "-p", "8100").exit_code == 0
    assert run("api", "start").exit_code == 0
    assert [argv for argv, _ in launched] == [
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", "8100", "flowsite.asgi:application"],
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", "8000", "flowsite.asgi:application"],
    ]


def test_scheduler_start_runs_celery_beat(launched):
    assert run("scheduler", "start").exit_code == 0
    assert launched == [([sys.executable, "-m", "celery", "-A", "flowsite", "beat", "-l", "INFO"], True)]
