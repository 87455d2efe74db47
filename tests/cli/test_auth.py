"""flow login / whoami / logout against the live server."""

from __future__ import annotations

import stat

import pytest

from apps.client.config import load_config
from tests.fixtures.people import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_login_whoami_logout_and_then_the_token_is_refused(flow_anonymous, flow_config, alice):
    login = flow_anonymous("login", "-u", "alice", "-p", PASSWORD)
    assert login.exit_code == 0, login.output
    assert "Logged in as alice" in login.stdout
    token = load_config(flow_config, environ={}).token
    assert token and token.startswith("ec_")
    assert stat.S_IMODE(flow_config.stat().st_mode) == 0o600

    whoami = flow_anonymous("whoami")
    assert whoami.exit_code == 0, whoami.output
    assert "alice" in whoami.stdout and "Rights: all (superuser)" in whoami.stdout

    logout = flow_anonymous("logout")
    assert logout.exit_code == 0, logout.output
    assert load_config(flow_config, environ={}).token is None

    revoked = flow_anonymous("whoami", env={"FLOW_TOKEN": token})
    assert revoked.exit_code == 3
    assert revoked.stderr == "error: Invalid or revoked token. (log in with `flow login`)\n"
    assert revoked.stdout == ""


def test_login_prompts_for_what_is_missing(flow_anonymous, alice):
    result = flow_anonymous("login", input=f"alice\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output


def test_a_wrong_password_is_one_line(flow_anonymous, alice):
    result = flow_anonymous("login", "-u", "alice", "-p", "not the password")
    assert result.exit_code in (2, 3)
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("error: ")


def test_whoami_json_is_json(flow):
    import json

    result = flow("--json", "whoami")
    assert result.exit_code == 0, result.output
    me = json.loads(result.stdout)
    assert me["username"] == "alice" and me["is_superuser"] is True
