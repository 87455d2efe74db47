"""The specification's "Roles & Users" sequence through the CLI."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_roles_and_users_sequence(flow):
    weak = flow("add", "user", input="joe\njoe@xyz.example\n12345678\n12345678\n")
    assert weak.exit_code != 0 and "too common" in weak.output, weak.output
    added = flow("add", "user", input="joe\njoe@xyz.example\nlong and unusual\nlong and unusual\n")
    assert added.exit_code == 0, added.output
    assert 'User "joe" added' in added.stdout
    assert "long and unusual" not in added.stdout

    role = flow("add", "role", "-n", "developer")
    assert role.exit_code == 0, role.output
    assert role.stdout.startswith('Role "developer" added (id ')

    direct = flow("add", "privilege", "-u", "joe", "-n", "ADD_PROCESSOR")
    assert (direct.exit_code, direct.stdout) == (0, "Privilege added\n")
    by_role = flow("add", "privilege", "-r", "developer", "-n", "ADD_QUEUE")
    assert (by_role.exit_code, by_role.stdout) == (0, "Privilege added\n")
    given = flow("add", "role", "-n", "developer", "-u", "joe")
    assert given.exit_code == 0, given.output

    shown = flow("ls", "user", "-n", "joe")
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert [cell.strip() for cell in lines[1].strip("|").split("|")] == ["Name", "ID", "Owner", "Email"]
    assert [cell.strip() for cell in lines[3].strip("|").split("|")][::3] == ["joe", "joe@xyz.example"]
    assert "Roles: developer" in lines
    privileges = lines[lines.index("Privileges") + 1:]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in privileges if line.startswith("| joe")]
    assert [row[:4] for row in rows] == [
        ["joe", "ADD_PROCESSOR", "direct", "True"],
        ["joe", "ADD_QUEUE", "role:developer", "True"],
    ]


def test_add_privilege_needs_a_user_or_a_role(flow):
    result = flow("add", "privilege", "-n", "ADD_PROCESSOR")
    assert result.exit_code == 2
    assert result.stderr == "error: give either a user (-u/--user) or a role (-r/--role)\n"


def test_an_unknown_right_is_refused_in_one_line(flow, bob):
    result = flow("add", "privilege", "-u", "bob", "-n", "FLY")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "error: The input is not valid."
    assert result.stderr.splitlines()[1].startswith("  right: ")


def test_user_ls_lists_users_as_json(flow, bob):
    result = flow("--json", "user", "ls")
    assert result.exit_code == 0, result.output
    assert sorted(user["username"] for user in json.loads(result.stdout)["results"]) == ["alice", "bob"]


def test_a_user_without_the_right_is_refused(live_server, bob, flow_config):
    from tests.fixtures.cli import FlowRunner, make_token

    as_bob = FlowRunner({"FLOW_URL": live_server.url, "FLOW_TOKEN": make_token(bob), "FLOW_CONFIG": str(flow_config)})
    result = as_bob("add", "queue", "-n", "q1")
    assert result.exit_code == 3
    assert result.stderr == "error: You need the ADD_QUEUE right to do this.\n"
