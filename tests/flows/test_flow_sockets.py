"""A flow's sockets and plugs are its own: another flow's deploy never adopts or changes them
(issue 17). Reusing one is an explicit ``shared: true`` node."""

import pytest

from apps.engine.queues import socket_queue_name
from apps.flows.deploy import flow_deploy
from apps.flows.models import Flow, Version
from apps.processors.models import Plug, Socket
from tests.factories import make_plug, make_queue, make_socket, make_task
from tests.fixtures.api import make_user
from tests.flows.test_flow_deploy import edge, node

pytestmark = pytest.mark.django_db


def deploy(flow: Flow, nodes: list, edges: list = (), *, by) -> dict[str, dict]:
    number = flow.versions.count() + 1
    version = Version.objects.create(name=f"v{number}", flow=flow, number=number,
                                     document={"schema": 1, "nodes": nodes, "edges": list(edges)})
    return {o["name"]: o for o in flow_deploy(flow=flow, version=version, by=by)}


def shared(node_id: str, socket_name: str, function: str = "echo") -> dict:
    made = node(node_id, function, socket_name)
    made["data"]["shared"] = True
    return made


def test_two_flows_using_one_function_get_two_sockets_and_two_queues(processor, alice):
    first, second = Flow.objects.create(name="first"), Flow.objects.create(name="second")
    deploy(first, [node("a", "echo", "first.echo")], by=alice)
    deploy(second, [node("a", "echo", "second.echo")], by=alice)
    one, two = Socket.objects.get(name="first.echo"), Socket.objects.get(name="second.echo")
    assert (one.flow_key, two.flow_key) == (str(first.pk), str(second.pk))
    assert socket_queue_name(socket=one) != socket_queue_name(socket=two)
    assert one.queue_id != two.queue_id


def test_a_flow_naming_another_flows_socket_gets_an_error_and_changes_nothing(processor, alice):
    first, second = Flow.objects.create(name="first"), Flow.objects.create(name="second")
    deploy(first, [node("a", "echo", "do_something"), node("b", "say", "say")], [edge("e1", "a", "b")], by=alice)
    before = Socket.objects.values().get(name="do_something")
    outcomes = deploy(second, [node("a", "say", "do_something"), node("b", "say", "second.say")],
                      [edge("e1", "a", "b")], by=alice)
    assert not outcomes["do_something"]["ok"]
    assert outcomes["do_something"]["error"] == (
        "Socket 'do_something' belongs to flow 'first'; rename the node or mark it as a shared socket.")
    assert Socket.objects.values().get(name="do_something") == before
    assert not outcomes["second:e1"]["ok"], "no plug from the first flow's socket"
    assert list(Plug.objects.filter(source__name="do_something").values_list("name", flat=True)) == ["first:e1"]


def test_a_socket_made_outside_any_flow_is_not_adopted(processor, alice):
    cli = make_socket(processor, name="made.by.cli", task=make_task(processor, name="other"),
                      queue=make_queue(name="made.by.cli"))
    outcomes = deploy(Flow.objects.create(name="f"), [node("a", "echo", "made.by.cli")], by=alice)
    assert "was made outside any flow; rename the node" in outcomes["made.by.cli"]["error"]
    cli.refresh_from_db()
    assert (cli.task.name, cli.flow_key) == ("other", "")


def test_a_shared_node_reuses_the_socket_as_it_is_and_says_where_it_lives(processor, alice):
    first, second = Flow.objects.create(name="first"), Flow.objects.create(name="second")
    deploy(first, [node("a", "echo", "first.echo")], by=alice)
    before = Socket.objects.values().get(name="first.echo")
    # The shared node's own settings (another function, a schedule) are not applied.
    reuse = shared("a", "first.echo", function="say")
    reuse["data"]["settings"]["interval"] = 5
    outcomes = deploy(second, [reuse, node("b", "say", "second.say")], [edge("e1", "a", "b")], by=alice)
    assert outcomes["first.echo"] == {"kind": "socket", "name": "first.echo", "action": "shared", "ok": True,
                                      "detail": "lives in flow 'first'"}
    assert Socket.objects.values().get(name="first.echo") == before
    plug = Plug.objects.get(name="second:e1")
    assert (plug.source.name, plug.target.name, plug.flow_key) == ("first.echo", "second.say", str(second.pk))


def test_a_shared_node_naming_no_socket_is_an_error(processor, alice):
    outcomes = deploy(Flow.objects.create(name="f"), [shared("a", "nowhere")], by=alice)
    assert not outcomes["nowhere"]["ok"] and "shared socket 'nowhere' does not exist" in outcomes["nowhere"]["error"]
    assert not Socket.objects.filter(name="nowhere").exists()


def test_a_flow_cannot_repoint_or_remove_another_flows_plug_between_shared_sockets(processor, alice):
    owner, other = Flow.objects.create(name="a:b"), Flow.objects.create(name="a")
    deploy(owner, [node("x", "echo", "owner.echo"), node("y", "say", "owner.say")], [edge("e1", "x", "y")],
           by=alice)
    before = Plug.objects.values().get(name="a:b:e1")
    # Flow "a"'s edge "b:e1" makes the same plug name; it joins the shared sockets the other way.
    outcomes = deploy(other, [shared("x", "owner.say"), shared("y", "owner.echo")], [edge("b:e1", "x", "y")],
                      by=alice)
    assert "The plug name 'a:b:e1' is taken: that plug belongs to flow 'a:b'" in outcomes["a:b:e1"]["error"]
    assert Plug.objects.values().get(name="a:b:e1") == before
    deploy(other, [], by=alice)  # a's stale plugs are its own, not every name starting "a:"
    assert Plug.objects.values().get(name="a:b:e1") == before


def test_a_deleted_flows_sockets_stay_as_if_made_outside_any_flow(processor, alice, api_as):
    flow = Flow.objects.create(name="gone")
    deploy(flow, [node("x", "echo", "gone.echo"), node("y", "say", "gone.say")], [edge("e1", "x", "y")], by=alice)
    assert Socket.objects.get(name="gone.echo").flow_key == str(flow.pk)
    response = api_as(make_user("DELETE_FLOW")).delete(f"/api/flows/{flow.pk}/")
    assert response.status_code == 204, response.content
    socket = Socket.objects.get(name="gone.echo")
    assert (socket.flow_key, socket.flow_version) == ("", None)
    assert Plug.objects.get(name="gone:e1").flow_key == ""
    assert socket.queue.flow_key == "", "its queue too: a socket made by hand may use it now"
    make_plug(socket, Socket.objects.get(name="gone.say"))  # still usable from the API
