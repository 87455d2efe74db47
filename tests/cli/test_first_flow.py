"""The specification's "Creating Your First Flow", in shape, through the CLI.

Running the task needs the engine's ``POST /api/sockets/{id}/run/``; without a worker the
call stays queued, so the test checks submission and the clean timeout.
"""

from __future__ import annotations

import json

import pytest

from tests.fixtures.cli import DO_THIS, REPO

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_first_flow_objects_are_created(first_flow):
    queue = json.loads(first_flow("--json", "ls", "queue", "-n", "pyfi.queue1").stdout)
    assert queue["qtype"] == "direct"
    processor = json.loads(first_flow("--json", "ls", "processor", "-n", "proc1").stdout)
    assert (processor["gitrepo"], processor["module"], processor["hostname"], processor["concurrency"]) == (
        REPO, "pyfi.processors.sample", "localhost", 5,
    )
    socket = json.loads(first_flow("--json", "ls", "socket", "-n", DO_THIS).stdout)
    assert (socket["processor"], socket["queue"], socket["task"]) == ("proc1", "pyfi.queue1", "do_this")


def test_add_prints_what_it_added(trusted):
    result = trusted("add", "queue", "-n", "pyfi.queue2", "-t", "topic")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith('Queue "pyfi.queue2" added (id ')


def test_listings_are_tables_with_a_footer_and_json_parses(first_flow):
    table = first_flow("ls", "sockets")
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[1].split("|")[1:4] == [
        " Name                                ", " ID                                   ", " Owner "]
    assert lines[-1] == "Page 1 of 1 of 2 total records"
    listing = json.loads(first_flow("--json", "ls", "sockets").stdout)
    assert listing["count"] == 2
    assert sorted(socket["task"] for socket in listing["results"]) == ["do_something", "do_this"]


def test_update_patches_only_what_is_given(first_flow):
    result = first_flow("update", "processor", "-n", "proc1", "-c", "3", "--set", "retries=2")
    assert result.exit_code == 0, result.output
    processor = json.loads(first_flow("--json", "ls", "processor", "-n", "proc1").stdout)
    assert (processor["concurrency"], processor["retries"], processor["module"]) == (3, 2, "pyfi.processors.sample")


def test_a_duplicate_name_is_one_error_line_with_field_details(first_flow):
    result = first_flow("add", "queue", "-n", "pyfi.queue1", "-t", "direct")
    assert result.exit_code in (2, 5)
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: ")
    assert all(line.startswith("  ") for line in lines[1:])


def test_an_untrusted_repository_is_refused_with_the_reason(flow):
    result = flow("add", "processor", "-n", "proc9", "-g", "https://example.com/x.git", "-m", "x")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "error: The repository is not trusted."
    assert result.stderr.splitlines()[1].startswith("  gitrepo: Repository 'https://example.com/x.git' is not trusted")


def test_processor_verbs_and_delete(first_flow):
    started = first_flow("proc", "start", "-n", "proc1")
    assert started.exit_code == 0, started.output
    assert started.stdout.startswith('Processor "proc1": start requested')
    deleted = first_flow("delete", "socket", "-n", DO_THIS)
    assert deleted.exit_code == 0, deleted.output
    missing = first_flow("ls", "socket", "-n", DO_THIS)
    assert missing.exit_code == 4
    assert missing.stderr == f"error: no socket named '{DO_THIS}'\n"


def test_task_show_lists_the_socket_task(first_flow):
    result = first_flow("task", "show", "--socket", DO_THIS)
    assert result.exit_code == 0, result.output
    assert "do_this" in result.stdout and "Arguments" in result.stdout


def test_task_run_submits_a_call(first_flow):
    result = first_flow("task", "run", "--socket", DO_THIS, "--data", '["some data"]', "--no-wait")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Call ")


def test_task_run_waits_and_times_out_cleanly_without_a_worker(first_flow):
    result = first_flow("task", "run", "--socket", DO_THIS, "--data", '["some data"]', "--timeout", "0.3")
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1
    assert "did not finish within 0.3 s" in result.stderr


def test_task_run_reads_stdin(first_flow):
    result = first_flow("--json", "task", "run", "--socket", DO_THIS, "--no-wait", input="HI\n")
    assert result.exit_code == 0, result.output
    call = json.loads(result.stdout)
    assert call["id"]
    if isinstance(call.get("arguments"), dict):
        assert call["arguments"].get("args") == ["HI"]
