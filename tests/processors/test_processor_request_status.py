"""processor_request_status / processor_request_action / processor_remove: the operator's
wish is recorded, placed when needed, and announced to agents after commit."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from apps.core.models import Status
from apps.network.models import Agent, Deployment, Node
from apps.network.notify import control_decode, control_subscribe
from apps.processors.models import Processor
from apps.processors.services import processor_remove, processor_request_action, processor_request_status
from tests.factories import make_processor

pytestmark = pytest.mark.django_db


def make_node(hostname: str, cpus: int = 4) -> Node:
    node = Node.objects.create(name=hostname, hostname=hostname, cpus=cpus, heartbeat=timezone.now(), status=Status.UP)
    Agent.objects.create(name=hostname, hostname=hostname, node=node, cpus=cpus, heartbeat=timezone.now())
    return node


def test_starting_a_processor_that_was_never_placed_places_it():
    make_node("a1"), make_node("a2")
    processor = make_processor(concurrency=4)
    processor_request_action(processor=processor, by=None, action="start")
    assert dict(processor.deployments.values_list("hostname", "cpus")) == {"a1": 2, "a2": 2}
    assert Processor.objects.get(pk=processor.pk).requested_status == Status.RUNNING


def test_a_restart_asks_every_deployment_to_restart():
    make_node("a1"), make_node("a2")
    processor = make_processor(concurrency=2)
    processor_request_action(processor=processor, by=None, action="start")
    processor_request_action(processor=processor, by=None, action="restart")
    assert set(processor.deployments.values_list("requested_status", flat=True)) == {Status.STARTING}


def test_stopping_a_processor_with_no_deployment_stops_it_at_once():
    processor = make_processor(concurrency=2)
    processor_request_status(processor=processor, by=None, status=Status.STOPPED)
    assert Processor.objects.get(pk=processor.pk).status == Status.STOPPED


def test_stopping_keeps_the_deployments_for_the_next_start():
    make_node("a1")
    processor = make_processor(concurrency=2)
    processor_request_action(processor=processor, by=None, action="start")
    processor_request_action(processor=processor, by=None, action="stop")
    assert processor.deployments.count() == 1


@pytest.mark.django_db(transaction=True)
def test_agents_hear_each_request_and_each_removal_after_commit():
    processor = make_processor(concurrency=1)
    processor_id = str(processor.pk)
    subscription = control_subscribe()
    try:
        processor_request_action(processor=processor, by=None, action="pause")
        processor_remove(processor=processor, by=None)
        heard = []
        deadline = time.monotonic() + 5
        while len(heard) < 2 and time.monotonic() < deadline:
            message = control_decode(subscription.get_message(timeout=0.5) or {})
            if message.get("processor") == processor_id:
                heard.append(message["requested_status"])
    finally:
        subscription.close()
    assert heard == [Status.PAUSED, Status.REMOVED]
    assert not Processor.objects.filter(pk=processor_id).exists()
    assert not Deployment.objects.filter(processor_id=processor_id).exists()
