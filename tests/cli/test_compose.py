"""flow compose up|diff|down against the live server."""

from __future__ import annotations

import json

import pytest

from apps.network.nodes import agent_register

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NETWORK = """\
version: 1
networks:
  - name: demo
queues:
  - name: pyfi.queue1
    qtype: direct
    durable: true
processors:
  - name: proc1
    gitrepo: file:///srv/git/pyfi-processors
    module: pyfi.processors.sample
    hostname: localhost
    concurrency: {concurrency}
    network: demo
sockets:
  - name: pyfi.processors.sample.do_something
    processor: proc1
    queue: pyfi.queue1
    task: do_something
  - name: pyfi.processors.sample.do_this
    processor: proc1
    queue: pyfi.queue1
    task: do_this
plugs:
  - name: something-to-this
    source: pyfi.processors.sample.do_something
    target: pyfi.processors.sample.do_this
    queue: pyfi.queue1
"""


@pytest.fixture
def trusted_flow(flow, settings):
    settings.ALLOW_FILE_REPOSITORIES = True
    agent_register(name="localhost", cpus=5, pid=1)  # the processor pins "localhost"
    assert flow("add", "repository", "-n", "local-files", "-p", "file://*").exit_code == 0
    return flow


def write(tmp_path, concurrency: int = 5):
    path = tmp_path / "network.yaml"
    path.write_text(NETWORK.format(concurrency=concurrency))
    return str(path)


def test_up_creates_everything_and_a_second_up_changes_nothing(trusted_flow, tmp_path):
    path = write(tmp_path)
    first = trusted_flow("compose", "up", "-f", path)
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines()[0] == "[1/6] + network demo"
    assert first.stdout.splitlines()[-1] == "6 changes applied"

    second = trusted_flow("compose", "up", "-f", path)
    assert second.exit_code == 0, second.output
    assert second.stdout == "no changes\n"

    plug = json.loads(trusted_flow("--json", "ls", "plug", "-n", "something-to-this").stdout)
    assert (plug["source"], plug["target"], plug["queue"]) == (
        "pyfi.processors.sample.do_something", "pyfi.processors.sample.do_this", "pyfi.queue1",
    )


def test_diff_shows_field_changes_and_up_applies_only_them(trusted_flow, tmp_path):
    assert trusted_flow("compose", "up", "-f", write(tmp_path)).exit_code == 0
    path = write(tmp_path, concurrency=2)
    diff = trusted_flow("compose", "diff", "-f", path)
    assert diff.exit_code == 0, diff.output
    assert diff.stdout.splitlines() == ["~ processor proc1", "    concurrency: 5 -> 2"]
    up = trusted_flow("compose", "up", "-f", path)
    assert up.stdout.splitlines() == ["[1/1] ~ processor proc1", "    concurrency: 5 -> 2", "1 change applied"]
    assert trusted_flow("compose", "diff", "-f", path).stdout == "no changes\n"


def test_down_deletes_in_reverse_order(trusted_flow, tmp_path):
    path = write(tmp_path)
    assert trusted_flow("compose", "up", "-f", path).exit_code == 0
    plan = trusted_flow("compose", "diff", "--down", "-f", path)
    assert [line.split()[1] for line in plan.stdout.splitlines()] == [
        "plug", "socket", "socket", "processor", "queue", "network",
    ]
    down = trusted_flow("compose", "down", "--yes", "-f", path)
    assert down.exit_code == 0, down.output
    assert down.stdout.splitlines()[-1] == "6 objects deleted"
    assert trusted_flow("compose", "down", "--yes", "-f", path).stdout == "nothing to delete\n"


def test_a_reference_to_nothing_names_its_line(trusted_flow, tmp_path):
    path = tmp_path / "network.yaml"
    path.write_text("sockets:\n  - name: s1\n    processor: ghost\n    queue: nowhere\n    task: t\n")
    result = trusted_flow("compose", "up", "-f", str(path))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: network.yaml:3: socket 's1' refers to processor 'ghost',"
        " which is neither in the file nor on the server",
        "  network.yaml:4: socket 's1' refers to queue 'nowhere', which is neither in the file nor on the server",
    ]


def test_up_json_lists_the_changes(trusted_flow, tmp_path):
    result = trusted_flow("--json", "compose", "up", "-f", write(tmp_path))
    assert result.exit_code == 0, result.output
    changes = json.loads(result.stdout)
    kinds = [(change["action"], change["kind"]) for change in changes]
    assert kinds[:2] == [("create", "network"), ("create", "queue")]
