"""A flow's socket has a queue of its own, named from the flow and the socket, that nothing
outside the flow shares: not a socket or plug made by hand (CLI, API), not another flow's
deploy (issue 17: "names unique within a flow, the broker queue named from both")."""

import pytest

from apps.engine.queues import plug_destination, socket_queue_name
from apps.flows.models import Flow
from apps.network.models import Queue
from apps.processors.models import Plug, Socket
from tests.factories import make_socket
from tests.fixtures.api import make_user
from tests.flows.test_flow_deploy import edge, node
from tests.flows.test_flow_sockets import deploy, shared

pytestmark = pytest.mark.django_db


def key(flow: Flow) -> str:
    return str(flow.pk)[:8]


def test_a_flows_socket_travels_on_a_broker_queue_named_from_the_flow_and_the_socket(processor, alice):
    flow = Flow.objects.create(name="F")
    outcomes = deploy(flow, [node("a", "echo", "F.echo")], by=alice)
    socket = Socket.objects.select_related("queue").get(name="F.echo")
    assert socket.queue.name == f"F.echo@{key(flow)}" and socket.queue.flow_key == str(flow.pk)
    assert socket_queue_name(socket=socket) == f"F.echo@{key(flow)}.proc1"
    assert outcomes[f"F.echo@{key(flow)}"]["action"] == "create"


def test_a_socket_named_by_hand_like_a_flows_never_shares_its_broker_queue(processor, alice):
    """A CLI user made the queue ``F.echo`` and a socket on it before flow F deployed its node
    ``F.echo``: the deploy no longer adopts that queue, so the two sockets' calls never mix."""
    by_hand = make_socket(processor, name="mine", task=processor.tasks.get(name="echo"),
                          queue=Queue.objects.create(name="F.echo"))
    flow = Flow.objects.create(name="F")
    deploy(flow, [node("a", "echo", "F.echo")], by=alice)
    flows = Socket.objects.get(name="F.echo")
    assert socket_queue_name(socket=flows) != socket_queue_name(socket=by_hand) == "F.echo.proc1"


def test_a_socket_or_plug_made_outside_the_flow_cannot_use_its_socket_queue(processor, alice, api_as):
    flow = Flow.objects.create(name="F")
    deploy(flow, [node("a", "echo", "F.echo"), node("b", "say", "F.say")], [edge("e1", "a", "b")], by=alice)
    queue = f"F.echo@{key(flow)}"
    client = api_as(make_user("ADD_SOCKET", "UPDATE_SOCKET", "ADD_PLUG"))
    body = {"name": "mine", "processor": "proc1", "task": "echo", "queue": queue}
    refused = client.post("/api/sockets/", body, format="json")
    assert refused.status_code == 400, refused.content
    assert "is the queue of a flow's socket" in str(refused.json())
    made = client.post("/api/sockets/", {**body, "queue": Queue.objects.create(name="mine").name}, format="json")
    assert made.status_code == 201, made.content
    moved = client.patch(f"/api/sockets/{made.json()['id']}/", {"queue": queue}, format="json")
    assert moved.status_code == 400, moved.content
    other = make_socket(processor, name="other")
    plug = {"name": "p", "source": "mine", "target": "other", "queue": queue}
    assert client.post("/api/plugs/", plug, format="json").status_code == 400
    # Plugging into the flow's socket is allowed: the plug rides that socket's own queue.
    into = client.post("/api/plugs/", {**plug, "target": "F.echo"}, format="json")
    assert into.status_code == 201, into.content
    assert plug_destination(plug=Plug.objects.get(name="p")).name == f"F.echo@{key(flow)}.proc1"
    assert other.queue.name != queue


def test_a_deploy_never_adopts_a_queue_of_its_sockets_name_made_outside_the_flow(processor, alice):
    flow = Flow.objects.create(name="F")
    Queue.objects.create(name=f"F.echo@{key(flow)}")  # made by hand, to catch the flow's calls
    outcomes = deploy(flow, [node("a", "echo", "F.echo")], by=alice)
    assert "is taken by a queue made outside this flow" in outcomes["F.echo"]["error"]
    assert not Socket.objects.filter(name="F.echo").exists()


def test_a_shared_node_and_a_flows_plug_into_it_ride_the_owning_flows_queue(processor, alice):
    owner, user = Flow.objects.create(name="owner"), Flow.objects.create(name="user")
    deploy(owner, [node("a", "echo", "owner.echo")], by=alice)
    outcomes = deploy(user, [node("x", "say", "user.say"), shared("y", "owner.echo")], [edge("e1", "x", "y")],
                      by=alice)
    assert all(outcome["ok"] for outcome in outcomes.values()), outcomes
    assert plug_destination(plug=Plug.objects.get(name="user:e1")).name == f"owner.echo@{key(owner)}.proc1"
