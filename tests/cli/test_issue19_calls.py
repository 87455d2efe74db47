"""Issue 19's CLI items about calls and sockets: the CLI user owns the calls it starts, a
plug the function never set is named in an event, a socket cannot occupy more cpus than
its processor has."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from apps.calls.models import Call
from apps.engine.routing import plugs_route
from tests.fixtures.cli import DO_THIS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DO_SOMETHING = "pyfi.processors.sample.do_something"


def test_a_call_started_from_the_cli_is_owned_by_its_user(first_flow):
    run = first_flow("--json", "task", "run", "--socket", DO_THIS, "--data", "['x']", "--no-wait")
    started = json.loads(run.stdout)
    shown = json.loads(first_flow("--json", "ls", "call", "--id", started["id"]).stdout)
    assert shown["owner"] == "alice"
    table = first_flow("ls", "calls")
    assert "| alice " in table.stdout, table.output


def test_a_plug_the_function_never_set_is_named_in_an_event(first_flow):
    plug = first_flow("add", "plug", "-n", "p2", "-s", DO_SOMETHING, "-t", DO_THIS, "-q", "pyfi.queue1")
    assert plug.exit_code == 0, plug.output
    run = first_flow("--json", "task", "run", "--socket", DO_SOMETHING, "--no-wait", input="HI\n")
    started = json.loads(run.stdout)
    with transaction.atomic():  # what the worker does when do_something returns, setting plugs['plug1']
        submitted = plugs_route(call=Call.objects.get(pk=started["id"]), ok=True, value="x", named={"plug1": "x"})
    assert submitted == []
    shown = first_flow("ls", "call", "--id", started["id"])
    assert "| plug_unset " in shown.stdout, shown.output
    events = json.loads(first_flow("--json", "ls", "call", "--id", started["id"]).stdout)["events"]
    assert [e["note"] for e in events if e["name"] == "plug_unset"] == [
        "Not fired: plug 'p2' of pyfi.processors.sample.do_something (the function set only plugs['plug1'])."]


def test_a_socket_above_its_processors_concurrency_is_refused_with_the_reason(first_flow):
    result = first_flow("add", "socket", "-n", "wide", "-q", "pyfi.queue1", "-pn", "proc1", "-t", "do_this", "-c", "8")
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert lines[0] == "error: The socket's concurrency is above its processor's."
    assert lines[1].startswith("  concurrency: A socket of processor 'proc1' can occupy at most 5 cpus")
    fits = first_flow("--json", "add", "socket", "-n", "fits", "-q", "pyfi.queue1", "-pn", "proc1", "-t", "do_this",
                   "-c", "5")
    assert fits.exit_code == 0 and json.loads(fits.stdout)["concurrency"] == 5, fits.output
    raised = first_flow("update", "socket", "-n", "fits", "-c", "6")
    assert raised.exit_code == 2 and "at most 5 cpus" in raised.stderr
    lowered = first_flow("update", "processor", "-n", "proc1", "-c", "4")
    assert lowered.exit_code == 2 and "occupies 5 cpus" in lowered.stderr, lowered.output
