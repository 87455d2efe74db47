"""Deploying a flow version makes sockets, queues and plugs match its document."""

import pytest

from apps.engine.queues import plug_destination, socket_queue_name
from apps.flows.deploy import flow_deploy
from apps.flows.models import Flow, Version
from apps.network.models import Queue
from apps.processors.models import Argument, Plug, Socket
from tests.factories import make_processor, make_task

pytestmark = pytest.mark.django_db


def node(node_id, function, socket_name, processor="proc1"):
    return {"id": node_id, "type": "socket", "position": {"x": 0, "y": 0},
            "data": {"processor": processor, "module": "m", "task": function, "socketName": socket_name,
                     "arguments": [], "settings": {"concurrency": 3, "hostname": "", "retries": None,
                                                   "timelimit": None, "ratelimit": "", "interval": None,
                                                   "cron": ""}}}


def edge(edge_id, source, target, handle="in", **queue):
    return {"id": edge_id, "source": source, "target": target, "sourceHandle": "result", "targetHandle": handle,
            "data": {"plugType": "RESULT", "queue": {"name": "", "qtype": "direct", "durable": True,
                                                     "message_ttl": -1, "max_length": -1, "expires": -1, **queue}}}


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
    refused = client.post(f"/api/flows/{flow.pk}/deploy/", {"version": 1}, content_type="application/json")
    assert refused.status_code == 403
    client.force_login(alice)
    response = client.post(f"/api/flows/{flow.pk}/deploy/", {"version": 1}, content_type="application/json")
    assert response.status_code == 200 and response.json()["objects"][-1]["name"] == "demo.echo"
    missing = client.post(f"/api/flows/{flow.pk}/deploy/", {"version": 9}, content_type="application/json")
    assert missing.status_code == 404


def test_a_plug_that_names_its_queue_gets_that_queue_with_the_edges_settings(flow, alice):
    nodes = [node("a", "echo", "demo.echo"), node("b", "echo", "demo.sink")]
    v1 = version(flow, 1, nodes, [edge("e1", "a", "b", name="demo.wire", max_length=10, message_ttl=60000)])
    outcomes = flow_deploy(flow=flow, version=v1, by=alice)
    assert {"kind": "queue", "name": "demo.wire", "action": "create", "ok": True} in outcomes
    queue = Queue.objects.get(name="demo.wire")
    assert (queue.max_length, queue.message_ttl, queue.durable) == (10, 60000, True)
    plug = Plug.objects.get(name="demo:e1")
    assert plug.queue == queue
    assert plug_destination(plug=plug).name == "demo.wire.proc1" != socket_queue_name(socket=plug.target)
    v2 = version(flow, 2, nodes, [edge("e1", "a", "b", name="demo.wire", max_length=20)])
    outcomes = flow_deploy(flow=flow, version=v2, by=alice)
    assert {"kind": "queue", "name": "demo.wire", "action": "update", "ok": True} in outcomes
    assert Queue.objects.get(name="demo.wire").max_length == 20


def test_a_plug_with_no_queue_name_rides_its_targets_queue_and_leaves_its_settings_alone(flow, alice):
    nodes = [node("a", "echo", "demo.echo"), node("b", "echo", "demo.sink")]
    flow_deploy(flow=flow, version=version(flow, 1, nodes, []), by=alice)
    sink = Socket.objects.get(name="demo.sink").queue
    Queue.objects.filter(pk=sink.pk).update(max_length=7)  # set with the API or the CLI
    flow_deploy(flow=flow, version=version(flow, 2, nodes, [edge("e1", "a", "b", max_length=-1)]), by=alice)
    plug = Plug.objects.get(name="demo:e1")
    assert plug.queue == sink and plug.queue.max_length == 7
    assert plug_destination(plug=plug).name == socket_queue_name(socket=plug.target)


@pytest.mark.parametrize("settings, message", [
    ({"max_length": -5}, "max_length must be a whole number"),
    ({"max_length": "10"}, "max_length must be a whole number"),
    ({"qtype": "broadcast"}, "type must be one of"),
    ({"durable": "yes"}, "durable setting must be true or false"),
])
def test_bad_queue_settings_fail_that_plug_with_a_clear_error(flow, alice, settings, message):
    nodes = [node("a", "echo", "demo.echo"), node("b", "echo", "demo.sink")]
    v1 = version(flow, 1, nodes, [edge("e1", "a", "b", name="demo.wire", **settings)])
    outcomes = {o["name"]: o for o in flow_deploy(flow=flow, version=v1, by=alice)}
    assert outcomes["demo.sink"]["ok"]
    assert not outcomes["demo:e1"]["ok"] and message in outcomes["demo:e1"]["error"]
    assert not Queue.objects.filter(name="demo.wire").exists()
