"""The compose planner on its own: what up and down would do, given what the server has."""

from __future__ import annotations

import pytest

from apps.cli.compose_plan import apply, differences, plan_down, plan_up, redact
from apps.cli.compose_spec import ComposeError, parse
from apps.client.errors import NotFound

FILE = """\
queues:
  - name: q1
    qtype: direct
processors:
  - name: p1
    gitrepo: https://user:secret@git.example.com/acme/repo.git
    module: acme.sample
    concurrency: 2
sockets:
  - name: s1
    processor: p1
    queue: q1
    task: do_this
"""


class Server:
    """Objects by API path and name; records every write."""

    def __init__(self, objects: dict[str, list[dict]]) -> None:
        self.objects = objects
        self.writes: list[tuple] = []

    def find(self, path: str, name: str) -> dict:
        for obj in self.objects.get(path, []):
            if obj["name"] == name:
                return obj
        raise NotFound(f"no {path} named {name}")

    def post(self, path, body):
        self.writes.append(("POST", path, body))

    def patch(self, path, body):
        self.writes.append(("PATCH", path, body))

    def delete(self, path):
        self.writes.append(("DELETE", path))


def test_on_an_empty_server_up_creates_everything_in_order():
    server = Server({})
    changes = plan_up(server, parse(FILE))
    assert [change.head for change in changes] == ["+ queue q1", "+ processor p1", "+ socket s1"]
    apply(server, changes, lambda *_: None)
    assert server.writes[0] == ("POST", "queues/", {"name": "q1", "qtype": "direct"})


def test_up_patches_only_the_declared_fields_that_differ():
    server = Server({
        "queues": [{"id": "q", "name": "q1", "qtype": "direct", "durable": True}],
        "processors": [{"id": "p", "name": "p1", "gitrepo": "https://***@git.example.com/acme/repo.git",
                        "module": "acme.sample", "concurrency": 5, "retries": 0}],
        "sockets": [{"id": "s", "name": "s1", "processor": "p1", "queue": "q1", "task": "do_this"}],
    })
    changes = plan_up(server, parse(FILE))
    assert [change.lines() for change in changes] == [["~ processor p1", "    concurrency: 5 -> 2"]]
    apply(server, changes, lambda *_: None)
    assert server.writes == [("PATCH", "processors/p/", {"concurrency": 2})]


def test_a_reference_missing_from_file_and_server_is_an_error_with_its_line():
    text = "sockets:\n  - name: s1\n    processor: p9\n    queue: q1\n    task: t\n"
    server = Server({"queues": [{"id": "q", "name": "q1"}]})
    with pytest.raises(ComposeError) as caught:
        plan_up(server, parse(text))
    assert caught.value.problems == [
        "network.yaml:3: socket 's1' refers to processor 'p9', which is neither in the file nor on the server"
    ]


def test_down_deletes_what_exists_in_reverse_order():
    server = Server({"queues": [{"id": "q", "name": "q1"}], "sockets": [{"id": "s", "name": "s1"}]})
    changes = plan_down(server, parse(FILE))
    assert [change.head for change in changes] == ["- socket s1", "- queue q1"]
    apply(server, changes, lambda *_: None)
    assert server.writes == [("DELETE", "sockets/s/"), ("DELETE", "queues/q/")]


def test_differences_ignore_what_the_server_does_not_show_and_ids_for_names():
    current = {"task": "3f2b1c9e-0000-4000-8000-000000000000", "concurrency": 2, "network": {"name": "demo"}}
    wanted = {"task": "do_this", "concurrency": 2, "network": "demo", "password": "secret-name"}
    assert differences(wanted, current) == {}


def test_credentials_are_compared_as_the_server_shows_them():
    assert redact("https://user:pw@host/x.git") == "https://***@host/x.git"
    assert redact("file:///srv/repo") == "file:///srv/repo"
    assert redact("ssh://deploy:pw@host/x.git") == "ssh://***@host/x.git"
    assert redact("ssh://git@host/x.git") == "ssh://git@host/x.git"
    assert redact("deploy:pw@host:acme/x.git") == "***@host:acme/x.git"
    assert redact("git@host:acme/x.git") == "git@host:acme/x.git"
