"""A deploy refuses a version holding a wire whose types never match, in the canvas's words,
and deploys one the checker cannot decide with a warning on the plug."""

import pytest

from apps.flows.models import Flow, Version
from apps.processors.models import Argument, Plug, Socket
from tests.factories import make_processor, make_task
from tests.flows.test_flow_deploy import edge, node

pytestmark = pytest.mark.django_db

MISMATCH = ("Types do not match: the result of typed.count is int, and argument text of typed.shout takes str: "
            "int is not str.")


@pytest.fixture
def flow():
    processor = make_processor(name="proc1")
    make_task(processor, name="count", returns="int")
    make_task(processor, name="maybe", returns="int | None")
    make_task(processor, name="route", returns="int", accepts_plugs=True)
    shout = make_task(processor, name="shout", returns="str")
    Argument.objects.create(task=shout, name="text", annotation="str", position=0)
    add = make_task(processor, name="add")
    Argument.objects.create(task=add, name="n", annotation="int", position=0)
    return Flow.objects.create(name="typed")


def deploy(client, flow, nodes, edges):
    number = flow.versions.count() + 1
    Version.objects.create(name=f"v{number}", flow=flow, number=number,
                           document={"schema": 1, "nodes": nodes, "edges": edges})
    return client.post(f"/api/flows/{flow.pk}/deploy/", {"version": number}, content_type="application/json")


def test_a_version_with_an_int_result_wired_into_a_str_argument_is_refused_whole(flow, alice_client):
    nodes = [node("a", "count", "typed.count"), node("b", "shout", "typed.shout")]
    response = deploy(alice_client, flow, nodes, [edge("e1", "a", "b", "arg:text")])
    assert response.status_code == 400, response.content
    assert response.json()["detail"] == {"wires": [MISMATCH]}
    assert response.json()["message"].startswith(MISMATCH) and "Nothing was deployed" in response.json()["message"]
    assert not Socket.objects.exists() and not Plug.objects.exists()
    flow.refresh_from_db()
    assert flow.deployed_version is None


def test_the_whole_socket_input_is_typed_by_the_first_argument(flow, alice_client):
    nodes = [node("a", "count", "typed.count"), node("b", "shout", "typed.shout")]
    response = deploy(alice_client, flow, nodes, [edge("e1", "a", "b", "in")])
    assert response.status_code == 400
    assert "its first argument text of typed.shout takes str" in response.json()["message"]


def test_types_come_from_the_mounted_function_not_the_documents_copy(flow, alice_client):
    nodes = [node("a", "count", "typed.count"), node("b", "shout", "typed.shout")]
    nodes[1]["data"]["arguments"] = [{"name": "text", "annotation": "int"}]
    assert deploy(alice_client, flow, nodes, [edge("e1", "a", "b", "arg:text")]).status_code == 400


def test_matching_undecided_and_plug_sending_wires_deploy(flow, alice_client):
    nodes = [node("a", "count", "typed.count"), node("m", "maybe", "typed.maybe"),
             node("r", "route", "typed.route"), node("b", "add", "typed.add")]
    response = deploy(alice_client, flow, nodes, [edge("e1", "a", "b", "arg:n"), edge("e2", "m", "b", "arg:n"),
                                                  edge("e3", "r", "b", "arg:n")])
    assert response.status_code == 200, response.content
    plugs = {o["name"]: o for o in response.json()["objects"] if o["kind"] == "plug"}
    assert all(o["ok"] for o in plugs.values()) and Plug.objects.count() == 3
    assert "warning" not in plugs["typed:e1"] and "warning" not in plugs["typed:e3"]
    assert plugs["typed:e2"]["warning"] == (
        "Types may not match: the result of typed.maybe is int | None, and argument n of typed.add takes int: "
        "int | None may be None, which is not int.")
