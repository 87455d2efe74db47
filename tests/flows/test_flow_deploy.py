"""Deploying a flow version makes sockets, queues and plugs match its document."""

import pytest

from apps.flows.deploy import flow_deploy
from apps.flows.models import Flow, Version
from apps.processors.models import Argument, Plug, Socket
from tests.factories import make_processor, make_task

pytestmark = pytest.mark.django_db


def node(node_id, function, socket_name, processor="proc1"):
    return {"id": node_id, "type": "socket", "position": {"x": 0, "y": 0},
            "data": {"processor": processor, "module": "m", "task": function, "socketName": socket_name,
                     "arguments": [], "settings": {"concurrency": 3, "hostname": "", "retries": None,
                                                   "timelimit": None, "ratelimit": "", "interval": None,
                                                   "cron": ""}}}


def edge(edge_id, source, target, handle="in"):
    return {"id": edge_id, "source": source, "target": target, "sourceHandle": "result", "targetHandle": handle,
            "data": {"plugType": "RESULT", "queue": {"name": "", "qtype": "direct", "durable": True,
                                                     "message_ttl": -1, "max_length": -1, "expires": -1}}}


@pytest.fixture
def flow(alice):
    processor = make_processor(name="proc1")
    add_two = make_task(processor, name="add_two")
    Argument.objects.create(task=add_two, name="one")
    Argument.objects.create(task=add_two, name="two")
    make_task(processor, name="echo")
    return Flow.objects.create(name="demo")


def version(flow, number, nodes, edges):
    return Version.objects.create(name=f"v{number}", flow=flow, number=number,
                                  document={"schema": 1, "nodes": nodes, "edges": edges})


def test_a_version_deploys_sockets_and_plugs_and_a_second_deploy_changes_nothing(flow, alice):
    v1 = version(flow, 1, [node("a", "echo", "demo.echo"), node("b", "add_two", "demo.add")],
                 [edge("e1", "a", "b", "arg:one")])
    outcomes = flow_deploy(flow=flow, version=v1, by=alice)
    assert all(o["ok"] for o in outcomes), outcomes
    plug = Plug.objects.get(name="demo:e1")
    assert (plug.source.name, plug.target.name, plug.argument.name) == ("demo.echo", "demo.add", "one")
    assert Socket.objects.get(name="demo.add").processor.concurrency == 3
    again = flow_deploy(flow=flow, version=v1, by=alice)
    assert {o["action"] for o in again} == {"unchanged"}
    flow.refresh_from_db()
    assert flow.deployed_version == v1


def test_a_plug_removed_from_the_document_is_removed_from_the_network(flow, alice):
    nodes = [node("a", "echo", "demo.echo"), node("b", "add_two", "demo.add")]
    flow_deploy(flow=flow, version=version(flow, 1, nodes, [edge("e1", "a", "b", "arg:one")]), by=alice)
    outcomes = flow_deploy(flow=flow, version=version(flow, 2, nodes, []), by=alice)
    assert {"kind": "plug", "name": "demo:e1", "action": "delete", "ok": True} in outcomes
    assert not Plug.objects.exists()


def test_one_bad_object_reports_its_error_and_the_others_deploy(flow, alice):
    v1 = version(flow, 1, [node("a", "echo", "demo.echo"), node("x", "f", "demo.x", processor="missing")],
                 [edge("e1", "a", "x")])
    outcomes = {o["name"]: o for o in flow_deploy(flow=flow, version=v1, by=alice)}
    assert outcomes["demo.echo"]["ok"]
    assert not outcomes["demo.x"]["ok"] and "'missing' does not exist" in outcomes["demo.x"]["error"]
    assert not outcomes["demo:e1"]["ok"]


def test_the_deploy_endpoint_needs_deploy_flow(flow, alice, bob, client):
    version(flow, 1, [node("a", "echo", "demo.echo")], [])
    client.force_login(bob)
    assert client.post(f"/api/flows/{flow.pk}/deploy/", {"version": 1}, content_type="application/json").status_code == 403
    client.force_login(alice)
    response = client.post(f"/api/flows/{flow.pk}/deploy/", {"version": 1}, content_type="application/json")
    assert response.status_code == 200 and response.json()["objects"][-1]["name"] == "demo.echo"
    missing = client.post(f"/api/flows/{flow.pk}/deploy/", {"version": 9}, content_type="application/json")
    assert missing.status_code == 404
