"""Bulk rights through the CLI: `flow user rights OPERATION` and `flow add privilege` with
several rights, tried by a granter holding ADD_PRIVILEGE but not ALL."""

from __future__ import annotations

import pytest

from apps.accounts.models import User
from apps.accounts.selectors import user_rights
from tests.fixtures.api import make_user
from tests.fixtures.cli import FlowRunner, make_token

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _as(user, live_server, flow_config) -> FlowRunner:
    return FlowRunner({"FLOW_URL": live_server.url, "FLOW_TOKEN": make_token(user), "FLOW_CONFIG": str(flow_config)})


def _rights(user: User) -> frozenset[str]:
    return user_rights(User.objects.get(pk=user.pk))


def test_a_granter_without_all_is_refused_whole_naming_the_rights_it_lacks(live_server, flow_config, bob):
    mallory = make_user("ADD_PRIVILEGE", "LS_USERS", "LS_QUEUES", "READ_QUEUE")
    flow = _as(mallory, live_server, flow_config)
    refused = flow("user", "rights", "grant", "-u", "bob", "LS_QUEUES", "READ_QUEUE", "DB_DROP", "DELETE_USER")
    assert refused.exit_code == 3, refused.output
    first = refused.stderr.splitlines()[0]
    assert first == "error: You cannot grant a right you do not hold yourself: DB_DROP, DELETE_USER."
    assert "Traceback" not in refused.output
    also = flow("add", "privilege", "-u", mallory.username, "-n", "LS_QUEUES,ALL")
    assert also.exit_code == 3 and "ALL" in also.stderr, also.output
    assert _rights(bob) == frozenset()
    assert _rights(mallory) == {"ADD_PRIVILEGE", "LS_USERS", "LS_QUEUES", "READ_QUEUE"}


def test_an_admin_grants_and_revokes_many_rights_in_one_command(flow, bob):
    granted = flow("user", "rights", "grant", "-u", "bob", "ls_queues", "READ_QUEUE,ADD_QUEUE")
    assert granted.exit_code == 0, granted.output
    assert granted.stdout == "Granted: ADD_QUEUE, LS_QUEUES, READ_QUEUE\n"
    again = flow("add", "privilege", "-u", "bob", "-n", "LS_QUEUES", "-n", "LS_NODES")
    assert again.stdout == "Granted: LS_NODES\nUnchanged (already held): LS_QUEUES\n", again.output
    revoked = flow("user", "rights", "revoke", "-u", "bob", "ADD_QUEUE", "LS_NODES")
    assert revoked.exit_code == 0 and revoked.stdout == "Revoked: ADD_QUEUE, LS_NODES\n", revoked.output
    assert _rights(bob) == {"LS_QUEUES", "READ_QUEUE"}
    role = flow("add", "role", "-n", "ops")
    assert role.exit_code == 0
    by_role = flow("user", "rights", "grant", "-r", "ops", "LS_QUEUES", "LS_NODES")
    assert by_role.stdout == "Granted: LS_NODES, LS_QUEUES\n", by_role.output
