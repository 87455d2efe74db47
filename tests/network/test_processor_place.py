"""processor_place / processor_place_if_needed: Deployment rows follow the plan over healthy nodes."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.models import Status
from apps.network.models import Agent, Deployment, Network, Node, Scheduler, Strategy
from apps.network.notify import control_decode, control_subscribe
from apps.network.placement import processor_place, processor_place_if_needed
from tests.factories import make_processor

pytestmark = pytest.mark.django_db


def make_node(hostname: str, *, cpus: int = 4, seconds_ago: float = 0, monitor_only: bool = False,
              network: Network | None = None, status: str = Status.UP) -> Node:
    beat = timezone.now() - timedelta(seconds=seconds_ago)
    node = Node.objects.create(name=hostname, hostname=hostname, cpus=cpus, heartbeat=beat, status=status,
                               network=network)
    Agent.objects.create(name=hostname, hostname=hostname, node=node, cpus=cpus, heartbeat=beat,
                         monitor_only=monitor_only)
    return node


def placed(processor) -> dict[str, int]:
    return dict(Deployment.objects.filter(processor=processor).values_list("hostname", "cpus"))


def test_it_spreads_over_healthy_nodes_by_default():
    make_node("a1"), make_node("a2")
    processor = make_processor(concurrency=4)
    assert processor_place(processor=processor) is True
    assert placed(processor) == {"a1": 2, "a2": 2}
    deployment = Deployment.objects.get(processor=processor, hostname="a1")
    assert (deployment.name, deployment.node.hostname) == (f"{processor.name}@a1", "a1")


def test_it_packs_under_an_efficient_scheduler_of_the_processors_network():
    network = Network.objects.create(name="packed")
    Scheduler.objects.create(name="packer", network=network, strategy=Strategy.EFFICIENT)
    make_node("a1"), make_node("a2")
    processor = make_processor(concurrency=4, network=network)
    processor_place(processor=processor)
    assert placed(processor) == {"a1": 4}


def test_silent_down_and_monitor_only_nodes_get_nothing(settings):
    settings.AGENT_DOWN_AFTER = 15
    make_node("alive"), make_node("silent", seconds_ago=60), make_node("down", status=Status.DOWN)
    make_node("monitor", monitor_only=True)
    processor = make_processor(concurrency=3)
    processor_place(processor=processor)
    assert placed(processor) == {"alive": 3}


def test_nodes_of_another_network_get_nothing():
    mine, theirs = Network.objects.create(name="mine"), Network.objects.create(name="theirs")
    make_node("own", network=mine), make_node("shared"), make_node("foreign", network=theirs)
    processor = make_processor(concurrency=4, network=mine)
    processor_place(processor=processor)
    assert placed(processor) == {"own": 2, "shared": 2}


def test_cpus_of_other_running_processors_are_taken_and_of_stopped_ones_free():
    make_node("a1", cpus=2), make_node("a2", cpus=2)
    other = make_processor(concurrency=2, hostname="a1")
    processor_place(processor=other)
    processor = make_processor(concurrency=2)
    processor_place(processor=processor)
    assert placed(processor) == {"a2": 2}
    other.requested_status = Status.STOPPED
    other.save()
    again = make_processor(concurrency=2)
    processor_place(processor=again)
    assert placed(again) == {"a1": 2}


def test_a_pinned_processor_goes_only_to_its_host_even_when_it_is_down():
    make_node("a1"), make_node("pinned", status=Status.DOWN)
    processor = make_processor(concurrency=3, hostname="pinned")
    processor_place(processor=processor)
    assert placed(processor) == {"pinned": 3}


def test_a_share_on_a_dead_node_moves_and_healthy_shares_stay(settings):
    settings.AGENT_DOWN_AFTER = 15
    make_node("a1"), make_node("a2"), make_node("a3")
    processor = make_processor(concurrency=3)
    processor_place(processor=processor)
    kept = Deployment.objects.get(processor=processor, hostname="a2")
    Node.objects.filter(hostname="a1").update(heartbeat=timezone.now() - timedelta(seconds=60))
    assert processor_place_if_needed(processor=processor) is True
    assert placed(processor) == {"a2": 2, "a3": 1} or placed(processor) == {"a2": 1, "a3": 2}
    assert Deployment.objects.filter(pk=kept.pk).exists(), "a surviving deployment is updated, not replaced"
    assert processor_place_if_needed(processor=processor) is False


def test_nothing_moves_when_no_node_is_healthy():
    processor = make_processor(concurrency=2)
    assert processor_place(processor=processor) is False
    assert placed(processor) == {}


@pytest.mark.django_db(transaction=True)
def test_agents_hear_of_a_new_placement_once_it_commits():
    make_node("a1")
    processor = make_processor(concurrency=1)
    expected = {"processor": str(processor.pk), "placed": {"a1": 1}}
    subscription = control_subscribe()
    try:
        processor_place(processor=processor)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if control_decode(subscription.get_message(timeout=0.5) or {}) == expected:
                break
        else:
            pytest.fail("no placement message on the control channel")
    finally:
        subscription.close()


def test_deployments_added_by_hand_stay_until_a_restart_applies_the_concurrency():
    make_node("a1"), make_node("a2")
    processor = make_processor(concurrency=2)
    processor_place(processor=processor)
    Deployment.objects.filter(processor=processor, hostname="a2").update(cpus=3)  # flow add/update deployment
    by_hand = placed(processor)
    assert by_hand == {"a1": 1, "a2": 3}
    assert processor_place_if_needed(processor=processor, exact=False) is False
    assert placed(processor) == by_hand
    assert processor_place_if_needed(processor=processor, exact=True) is True
    assert placed(processor) == {"a1": 1, "a2": 1}
