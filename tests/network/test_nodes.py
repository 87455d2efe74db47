"""Node and agent life: register, heartbeat, stop, and silent nodes marked down."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.errors import NotFound
from apps.core.models import Status
from apps.network.models import Agent, Deployment, Network, Node, Worker
from apps.network.nodes import agent_heartbeat, agent_register, agent_stopped, nodes_mark_down
from tests.factories import make_processor

pytestmark = pytest.mark.django_db


def test_registering_an_agent_creates_its_node_up_and_registering_again_refreshes_it():
    agent = agent_register(name="a1", cpus=4, pid=123, metrics={"cpuload": 5.0, "memsize": 1024})
    node = Node.objects.get(hostname="a1")
    assert (node.name, node.cpus, node.status, node.cpuload, node.memsize) == ("a1", 4, Status.UP, 5.0, 1024)
    assert (agent.node_id, agent.pid, agent.status) == (node.pk, 123, Status.RUNNING)
    Node.objects.filter(pk=node.pk).update(status=Status.DOWN)
    again = agent_register(name="a1", cpus=2, pid=456)
    assert again.pk == agent.pk and Node.objects.get(pk=node.pk).status == Status.UP
    assert (Agent.objects.count(), Node.objects.get(pk=node.pk).cpus) == (1, 2)


def test_an_agent_joins_a_network_by_name_which_must_exist():
    network = Network.objects.create(name="lab")
    agent_register(name="a1", cpus=1, pid=1, network="lab")
    assert Node.objects.get(hostname="a1").network == network
    with pytest.raises(NotFound):
        agent_register(name="a2", cpus=1, pid=1, network="nowhere")


def test_a_heartbeat_keeps_the_node_up_with_fresh_metrics_and_its_workers_alive():
    agent = agent_register(name="a1", cpus=1, pid=1)
    processor = make_processor()
    Worker.objects.create(name="w@a1", hostname="a1", processor=processor)
    agent_heartbeat(agent=agent, metrics={"loadavg": 1.5, "unknown": 3}, workers=["w@a1"])
    assert Node.objects.get(hostname="a1").loadavg == 1.5
    assert Worker.objects.get(name="w@a1").heartbeat is not None


def test_silent_nodes_are_marked_down_and_nothing_of_theirs_counts_as_running(settings):
    settings.AGENT_DOWN_AFTER = 15
    agent_register(name="alive", cpus=1, pid=1)
    agent_register(name="silent", cpus=1, pid=2)
    Node.objects.filter(hostname="silent").update(heartbeat=timezone.now() - timedelta(seconds=30))
    processor = make_processor()
    Deployment.objects.create(name="p@silent", hostname="silent", processor=processor, status=Status.RUNNING)
    assert nodes_mark_down() == ["silent"]
    assert Node.objects.get(hostname="silent").status == Status.DOWN
    assert Agent.objects.get(name="silent").status == Status.DOWN
    assert Deployment.objects.get(hostname="silent").status == Status.STOPPED
    assert Node.objects.get(hostname="alive").status == Status.UP
    assert nodes_mark_down() == []


def test_a_stopped_agent_leaves_its_node_down_and_its_workers_stopped():
    agent = agent_register(name="a1", cpus=1, pid=1)
    Worker.objects.create(name="w@a1", hostname="a1", processor=make_processor(), status=Status.RUNNING, process=99)
    agent_stopped(agent=agent)
    assert Node.objects.get(hostname="a1").status == Status.DOWN
    assert Agent.objects.get(pk=agent.pk).status == Status.STOPPED
    assert Worker.objects.filter(name="w@a1", status=Status.STOPPED, process=None).exists()
