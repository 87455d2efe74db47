"""Queues, nodes and deployments written through the API go through apps.network.services:
validated, audited, and the agents are told on the control channel once the write commits."""

from __future__ import annotations

import time

import pytest

from apps.core.models import Status
from apps.flows.deploy import flow_deploy
from apps.flows.models import Flow, Version
from apps.network.models import Deployment, Node, Queue
from apps.network.notify import control_decode, control_subscribe
from apps.processors.models import Processor
from tests.factories import make_processor, make_queue, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def control():
    """``control(key, value)``: the control messages heard so far whose ``key`` is ``value``,
    waiting (boundedly) for the first one."""
    subscription = control_subscribe()
    heard: list[dict] = []

    def messages(key: str, value: str) -> list[dict]:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            raw = subscription.get_message(timeout=0.2)
            if raw is not None:
                heard.append(control_decode(raw))
            elif any(m.get(key) == value for m in heard):
                break
        return [m for m in heard if m.get(key) == value]

    yield messages
    subscription.close()


def test_a_queue_patch_with_a_negative_ttl_is_refused_naming_the_field(alice_api):
    queue = make_queue(name="q.ttl")
    response = alice_api.patch(f"/api/queues/{queue.pk}/", {"message_ttl": -5}, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["detail"]) == ["message_ttl"]
    assert Queue.objects.get(pk=queue.pk).message_ttl == -1


def test_a_queue_patch_wakes_the_agents_once_it_commits(alice_api, control, django_capture_on_commit_callbacks):
    queue = make_queue(name="q.wake")
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_api.patch(f"/api/queues/{queue.pk}/", {"max_length": 10}, format="json")
    assert response.status_code == 200, response.content
    assert [m["changed"] for m in control("queue", "q.wake")] == [["max_length"]]


def test_a_deployment_made_by_hand_wakes_the_agents(alice_api, control, django_capture_on_commit_callbacks):
    node = Node.objects.create(name="n1", hostname="machine-1", cpus=4, status=Status.UP)
    processor = make_processor(name="proc.hand")
    body = {"name": "by-hand", "processor": processor.name, "node": node.name, "hostname": "machine-1", "cpus": 1}
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_api.post("/api/deployments/", body, format="json")
    assert response.status_code == 201, response.content
    assert [m["hostname"] for m in control("deployment", "by-hand")] == ["machine-1"]


def test_a_deployment_naming_another_machine_than_its_node_is_refused(alice_api):
    Node.objects.create(name="n2", hostname="machine-2", cpus=4)
    processor = make_processor(name="proc.elsewhere")
    body = {"name": "mismatch", "processor": processor.name, "node": "n2", "hostname": "machine-9", "cpus": 1}
    response = alice_api.post("/api/deployments/", body, format="json")
    assert response.status_code == 400, response.content
    assert "machine-2" in response.json()["detail"]["hostname"][0]
    assert not Deployment.objects.filter(name="mismatch").exists()


def test_a_node_disabled_through_the_api_wakes_the_agents(alice_api, control, django_capture_on_commit_callbacks):
    node = Node.objects.create(name="n3", hostname="machine-3", cpus=4)
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_api.patch(f"/api/nodes/{node.pk}/", {"enabled": False}, format="json")
    assert response.status_code == 200, response.content
    assert [m["changed"] for m in control("node", "machine-3")] == [["enabled"]]


def test_deleting_a_processor_through_the_api_tells_its_agents(alice_api, control, django_capture_on_commit_callbacks):
    processor = make_processor(name="proc.gone")
    with django_capture_on_commit_callbacks(execute=True):
        assert alice_api.delete(f"/api/processors/{processor.pk}/").status_code == 204
    assert [m["requested_status"] for m in control("processor", str(processor.pk))] == [Status.REMOVED]


def test_a_deploy_changes_a_processor_by_its_rules(alice):
    """A flow's socket settings reach the processor through processor_update, so a hostname
    no node has is refused there as it is through the API."""
    processor = make_processor(name="proc.deploy")
    make_task(processor, name="echo")
    flow = Flow.objects.create(name="hosted")
    node = {"id": "a", "type": "socket", "data": {"processor": processor.name, "task": "echo",
                                                   "socketName": "hosted.echo", "settings": {"hostname": "nowhere"}}}
    version = Version.objects.create(name="v1", flow=flow, number=1, document={"nodes": [node], "edges": []})
    outcomes = flow_deploy(flow=flow, version=version, by=alice)
    assert [(o["kind"], o["ok"]) for o in outcomes] == [("socket", False)]
    assert "nowhere" in outcomes[0]["error"]
    assert Processor.objects.get(pk=processor.pk).hostname == ""
