"""``flow network ...`` and ``flow node ...`` (the specification's groups), and where
``flow add processor -h HOST`` may pin a processor: a host no node has is refused with the
nodes that exist, ``localhost`` is this machine's node."""

from __future__ import annotations

import json
import socket

import pytest

from apps.network.models import Node, Worker
from apps.network.nodes import agent_register
from tests.factories import make_processor
from tests.fixtures.cli import REPO, FlowRunner, make_token

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_network_and_node_groups_list_show_add_remove_and_health(flow):
    assert flow("network", "add", "-n", "lab").exit_code == 0
    added = flow("node", "add", "-n", "spare", "-h", "spare.lab", "--network", "lab")
    assert added.exit_code == 0, added.output
    agent = agent_register(name="n1", cpus=4, pid=123)
    Worker.objects.create(name="proc1@n1", hostname="n1", concurrency=2, status="running",
                          processor=make_processor(name="proc1"), agent=agent)

    listing = json.loads(flow("--json", "network", "list").stdout)
    assert [n["name"] for n in listing["results"]] == ["lab"]
    assert json.loads(flow("--json", "node", "show", "-n", "spare").stdout)["network"] == "lab"
    health = {h["node"]: h for h in json.loads(flow("--json", "node", "health").stdout)}
    assert (health["n1"]["state"], health["n1"]["cpus"], health["n1"]["agent"]) == ("up", 4, "n1")
    assert health["n1"]["heartbeat_age"] < 60
    assert [w["name"] for w in health["n1"]["workers"]] == ["proc1@n1"]
    assert (health["spare"]["agent"], health["spare"]["heartbeat_age"]) == (None, None)
    table = flow("node", "health", "-n", "n1")
    assert table.exit_code == 0 and "1 running of 1" in table.stdout, table.output
    assert flow("node", "agent", "-n", "spare").stdout.startswith('Node "spare" has no agent')

    assert flow("node", "remove", "-n", "spare").exit_code == 0
    assert not Node.objects.filter(name="spare").exists()
    assert flow("network", "remove", "-n", "lab").exit_code == 0


def test_node_commands_keep_the_api_rights(live_server, charlie, flow_config):
    as_charlie = FlowRunner({"FLOW_URL": live_server.url, "FLOW_TOKEN": make_token(charlie),
                             "FLOW_CONFIG": str(flow_config)})
    refused = as_charlie("node", "add", "-n", "n9", "-h", "n9")
    assert refused.exit_code == 3, refused.output
    assert "ADD_NODE" in refused.stderr
    assert not Node.objects.filter(name="n9").exists()


@pytest.fixture
def bare(flow, settings):
    """Trusted repositories and no node yet (the shared ``trusted`` registers localhost)."""
    settings.ALLOW_FILE_REPOSITORIES = True
    assert flow("add", "repository", "-n", "local-files", "-p", "file://*").exit_code == 0
    return flow


def test_a_host_no_node_has_is_refused_with_the_nodes_that_exist(bare):
    agent_register(name="n1", cpus=2, pid=1)
    result = bare("add", "processor", "-n", "proc1", "-g", REPO, "-m", "pyfi.processors.sample",
                     "-h", "localhost", "-c", "2")
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert lines[0] == "error: No agent serves that host."
    assert "No node has the hostname 'localhost'" in lines[1] and "Nodes: n1." in lines[1]


def test_localhost_is_this_machines_node(bare):
    agent_register(name=socket.gethostname(), cpus=2, pid=1)
    result = bare("--json", "add", "processor", "-n", "proc1", "-g", REPO, "-m", "pyfi.processors.sample",
                     "-h", "localhost")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["hostname"] == socket.gethostname()


def test_a_node_without_a_live_agent_is_accepted_with_a_warning(bare):
    Node.objects.create(name="cold", hostname="cold")
    result = bare("add", "processor", "-n", "proc1", "-g", REPO, "-m", "pyfi.processors.sample", "-h", "cold")
    assert result.exit_code == 0, result.output
    assert "warning: No live agent serves node 'cold'" in result.stderr
