"""Every call of a socket a deployed flow owns records the flow version it ran under (issue 17).
No worker: the calls are recorded and their messages would go out at commit, which these
tests never reach."""

import pytest

from apps.calls.models import Call
from apps.engine.dispatch import call_submit
from apps.engine.routing import plugs_route
from apps.flows.models import Flow
from apps.processors.models import Plug, Socket
from tests.factories import make_processor, make_socket, make_task
from tests.fixtures.api import make_user
from tests.flows.test_flow_deploy import edge, node
from tests.flows.test_flow_sockets import deploy

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(alice):
    processor = make_processor(name="proc1")
    make_task(processor, name="echo")
    make_task(processor, name="say")
    flow = Flow.objects.create(name="orders")
    deploy(flow, [node("a", "echo", "orders.echo")], by=alice)
    deploy(flow, [node("a", "echo", "orders.echo"), node("b", "say", "orders.say")], [edge("e1", "a", "b")],
           by=alice)
    return flow


def test_a_run_records_the_deployed_version_and_the_api_shows_it(orders, api_as):
    client = api_as(make_user("RUN_TASK", "READ_CALL"))
    socket = Socket.objects.get(name="orders.echo")
    response = client.post(f"/api/sockets/{socket.pk}/run/", {"args": ["hi"], "kwargs": {}}, format="json")
    assert response.status_code == 202, response.content
    call = Call.objects.get(pk=response.json()["id"])
    orders.refresh_from_db()
    assert call.version == orders.deployed_version and call.version.number == 2
    detail = client.get(f"/api/calls/{call.pk}/").json()
    assert (detail["version"], detail["version_label"]) == (str(orders.deployed_version.pk), "orders v2")


def test_a_downstream_call_records_it_too(orders):
    plug = Plug.objects.select_related("source", "target").get(name="orders:e1")
    source = call_submit(socket=plug.source, args=["hi"], kwargs={})
    (child,) = plugs_route(call=source, ok=True, value="hi")  # what the worker does when it finishes
    orders.refresh_from_db()
    assert Call.objects.get(pk=child.pk).version_id == source.version_id == orders.deployed_version.pk


def test_a_call_of_a_socket_made_outside_any_flow_has_no_version(orders, api_as):
    made = make_socket(Socket.objects.get(name="orders.echo").processor, name="by.cli")
    call = call_submit(socket=made, args=[], kwargs={})
    assert call.version is None
    detail = api_as(make_user("READ_CALL")).get(f"/api/calls/{call.pk}/").json()
    assert (detail["version"], detail["version_label"]) == (None, None)


def test_a_socket_whose_version_is_gone_still_runs_with_no_version(orders):
    socket = Socket.objects.get(name="orders.echo")
    assert call_submit(socket=socket, args=[], kwargs={}).version_id is not None
    orders.versions.all().delete()  # e.g. from the admin, past the flow's service
    call = call_submit(socket=socket, args=[], kwargs={})
    assert call.version_id is None
