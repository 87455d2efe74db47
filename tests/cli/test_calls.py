"""flow ls calls (pages, footer, filters) and flow ls call --id (call, provenance, events)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.calls.models import Event
from apps.flows.models import Flow, Version
from tests.factories import make_call, make_socket

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def table_rows(text: str) -> list[list[str]]:
    """The data rows of the first table in ``text``."""
    lines = text.splitlines()
    rules = [index for index, line in enumerate(lines) if line.startswith("+")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[rules[1] + 1:rules[2]]]


@pytest.fixture
def calls():
    socket = make_socket(name="pyfi.processors.sample.do_something")
    start = timezone.now() - timedelta(hours=1)
    made = []
    for index in range(25):
        state = "running" if index in (3, 7) else "finished"
        moment = start + timedelta(minutes=index)
        made.append(make_call(socket, state=state, started=moment, finished=moment + timedelta(seconds=1)))
    return made


def test_ls_calls_pages_newest_first_with_the_footer(flow, calls):
    first = flow("ls", "calls")
    assert first.exit_code == 0, first.output
    rows = table_rows(first.stdout)
    assert [row[:2] for row in rows] == [["1", str(index)] for index in range(1, 11)]
    assert rows[0][3] == str(calls[-1].id)
    assert first.stdout.splitlines()[-1] == "Page 1 of 3 of 25 total records"

    last = flow("ls", "calls", "-p", "3", "-a")
    assert last.exit_code == 0, last.output
    rows = table_rows(last.stdout)
    assert len(rows) == 5 and rows[0][:2] == ["3", "1"]
    assert rows[-1][3] == str(calls[-1].id)
    assert last.stdout.splitlines()[-1] == "Page 3 of 3 of 25 total records"


def test_ls_calls_unfinished_shows_only_calls_in_flight(flow, calls):
    result = flow("ls", "calls", "-u")
    assert result.exit_code == 0, result.output
    assert [row[3] for row in table_rows(result.stdout)] == [str(calls[7].id), str(calls[3].id)]
    assert result.stdout.splitlines()[-1] == "Page 1 of 1 of 2 total records"


def test_ls_calls_json_parses(flow, calls):
    result = flow("--json", "ls", "calls", "-r", "5")
    assert result.exit_code == 0, result.output
    page = json.loads(result.stdout)
    assert (page["count"], page["pages"], len(page["results"])) == (25, 5, 5)


def test_ls_call_shows_the_call_provenance_and_events(flow, calls):
    call = calls[0]
    Event.objects.create(name="received", call=call, note="Received task do_something")
    Event.objects.create(name="postrun", call=call, note="Postrun for task")
    result = flow("ls", "call", "--id", str(call.id))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [cell.strip() for cell in lines[1].strip("|").split("|")] == [
        "Name", "ID", "Owner", "Last Updated", "Socket", "Started", "Finished", "State",
    ]
    assert "Provenance" in lines and "Events" in lines
    events = lines[lines.index("Events"):]
    assert "received" in "\n".join(events) and "Postrun for task" in "\n".join(events)
    assert str(call.tracking) in "\n".join(lines[lines.index("Provenance"):lines.index("Events")])


def test_ls_call_tree_draws_the_tree_or_says_the_server_has_none(flow, calls):
    result = flow("ls", "call", "--id", str(calls[0].id), "--tree")
    if result.exit_code == 0:
        assert "pyfi.processors.sample.do_something" in result.stdout.splitlines()[-1]
    else:
        assert result.exit_code == 4
        assert result.stderr == "error: call trees are not available on this server\n"


def test_ls_call_of_an_unknown_id_is_not_found(flow, calls):
    result = flow("ls", "call", "--id", "00000000-0000-0000-0000-000000000000")
    assert result.exit_code == 4
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("error: ")


def test_ls_call_tree_draws_the_forward_call_tree(flow, calls):
    """Needs GET /api/calls/{id}/tree/ (a nested {"name", "state", "children"} tree)."""
    parent = calls[0]
    child = make_call(make_socket(name="pyfi.processors.sample.do_this"), parent=parent,
                      tracking=parent.tracking, state="finished")
    result = flow("ls", "call", "--id", str(parent.id), "--tree")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-2:] == [
        "pyfi.processors.sample.do_something [finished]",
        "└── pyfi.processors.sample.do_this [finished]",
    ]
    assert child.id


def test_ls_call_graph_draws_the_run(flow, calls):
    """Needs GET /api/calls/{id}/graph/ (nodes and from -> to edges of the run)."""
    parent = calls[0]
    make_call(make_socket(name="pyfi.processors.sample.do_this"), parent=parent,
              tracking=parent.tracking, state="finished")
    result = flow("ls", "call", "--id", str(parent.id), "--graph")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-2:] == [
        "pyfi.processors.sample.do_something [finished]",
        "└── pyfi.processors.sample.do_this [finished]",
    ]


def test_ls_call_shows_the_flow_version_it_ran_under(flow, calls):
    orders = Flow.objects.create(name="orders")
    version = Version.objects.create(name="v2", flow=orders, number=2, document={"nodes": [], "edges": []})
    call = make_call(calls[0].socket, version=version)
    result = flow("ls", "call", "--id", str(call.id))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "orders v2" in "\n".join(lines[lines.index("Provenance"):lines.index("Events")])
