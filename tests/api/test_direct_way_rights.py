"""Every way to do a thing checks the rights of the direct way (issue 16).

Each test is an attacker holding only the rights it abuses: a deploy that changes what the
API would refuse, a schedule that runs tasks, a call list that leaks results, the live stats.
"""

from __future__ import annotations

import pytest

from apps.flows.models import Flow
from apps.network.models import Queue
from apps.processors.models import Plug, Processor, Socket
from tests.factories import make_call, make_plug, make_processor, make_queue, make_socket, make_task, unique
from tests.fixtures.api import make_user

pytestmark = pytest.mark.django_db

DEPLOYER = ("ADD_FLOW", "ADD_VERSION", "DEPLOY_FLOW")


def node(node_id: str, socket_name: str, task: str, processor: str = "adminproc", **settings) -> dict:
    return {"id": node_id, "type": "socket", "position": {"x": 0, "y": 0},
            "data": {"processor": processor, "task": task, "socketName": socket_name, "settings": settings}}


def edge(edge_id: str, source: str, target: str, handle: str = "result", **queue) -> dict:
    return {"id": edge_id, "source": source, "target": target, "sourceHandle": handle,
            "targetHandle": "in", "data": {"queue": queue}}


def deploy(client, nodes: list, edges: list = (), flow: str | None = None) -> dict[str, dict]:
    """Save a version of ``flow`` (created through the API when missing) and deploy it;
    outcomes by object name."""
    existing = Flow.objects.filter(name=flow).first() if flow else None
    if existing is None:
        made = client.post("/api/flows/", {"name": flow or unique("flow")}, format="json")
        assert made.status_code == 201, made.content
        existing = Flow.objects.get(pk=made.json()["id"])
    document = {"schema": 1, "nodes": nodes, "edges": list(edges)}
    version = client.post("/api/versions/", {"flow": existing.name, "document": document}, format="json")
    assert version.status_code == 201, version.content
    response = client.post(f"/api/flows/{existing.pk}/deploy/", {"version": version.json()["number"]},
                           format="json")
    assert response.status_code == 200, response.content
    return {outcome["name"]: outcome for outcome in response.json()["objects"]}


@pytest.fixture
def admins_socket() -> Socket:
    """An admin's processor (concurrency 1, no hostname) with a socket on its ``safe`` function,
    deployed by the admin's flow ``admin`` (attackers deploy new versions of that flow)."""
    processor = make_processor(name="adminproc", concurrency=1)
    make_task(processor, name="dangerous")
    flow = Flow.objects.create(name="admin")
    return make_socket(processor, name="admin.sock", task=make_task(processor, name="safe"),
                       queue=make_queue(name="admin.sock"), flow_key=str(flow.pk))


def assert_refused(outcome: dict, right: str) -> None:
    assert not outcome["ok"] and outcome["action"] == "unchanged", outcome
    assert f"You need the {right} right" in outcome["error"], outcome


# --- 1. a deploy needs the rights of its changes ---------------------------------------

def test_a_deployer_cannot_set_an_admins_processor_concurrency_and_hostname(api_as, admins_socket):
    attacker = api_as(make_user(*DEPLOYER))
    outcomes = deploy(attacker, [node("a", "admin.sock", "dangerous", concurrency=64, hostname="evil")],
                      flow="admin")
    assert_refused(outcomes["admin.sock"], "UPDATE_PROCESSOR")
    assert "adminproc" not in outcomes, "no processor outcome: it was not changed"
    processor = Processor.objects.get(name="adminproc")
    assert (processor.concurrency, processor.hostname) == (1, admins_socket.processor.hostname)
    assert Socket.objects.get(name="admin.sock").task.name == "safe"


def test_a_deployer_cannot_repoint_an_admins_socket_to_another_function(api_as, admins_socket):
    attacker = api_as(make_user(*DEPLOYER))
    outcomes = deploy(attacker, [node("a", "admin.sock", "dangerous")], flow="admin")
    assert_refused(outcomes["admin.sock"], "UPDATE_SOCKET")
    assert "change the socket 'admin.sock'" in outcomes["admin.sock"]["error"]
    assert Socket.objects.get(name="admin.sock").task.name == "safe"


def test_with_the_rights_of_the_direct_way_the_same_deploy_goes_through(api_as, admins_socket):
    deployer = api_as(make_user(*DEPLOYER, "UPDATE_PROCESSOR", "UPDATE_SOCKET"))
    outcomes = deploy(deployer, [node("a", "admin.sock", "dangerous", concurrency=4)], flow="admin")
    assert all(outcome["ok"] for outcome in outcomes.values()), outcomes
    socket = Socket.objects.select_related("processor", "task").get(name="admin.sock")
    assert (socket.task.name, socket.processor.concurrency) == ("dangerous", 4)


@pytest.mark.parametrize("rights, missing", [
    ((), "ADD_QUEUE"),
    (("ADD_QUEUE",), "ADD_SOCKET"),
])
def test_a_deployer_cannot_create_a_socket_or_its_queue_without_the_rights(api_as, admins_socket, rights, missing):
    attacker = api_as(make_user(*DEPLOYER, *rights))
    outcomes = deploy(attacker, [node("a", "new.sock", "dangerous")])
    assert_refused(outcomes["new.sock"], missing)
    assert not Socket.objects.filter(name="new.sock").exists()
    assert not Queue.objects.filter(name="new.sock").exists()


def test_a_deployer_cannot_schedule_a_socket_without_run_task(api_as, admins_socket):
    attacker = api_as(make_user(*DEPLOYER, "ADD_QUEUE", "ADD_SOCKET"))
    outcomes = deploy(attacker, [node("a", "every2s", "dangerous", interval=2)])
    assert_refused(outcomes["every2s"], "RUN_TASK")
    assert not Socket.objects.filter(name="every2s").exists()


@pytest.fixture
def two_admin_sockets(admins_socket) -> tuple[Socket, Socket]:
    """Two sockets the attacker's nodes name exactly as they are, so only the edges change."""
    other = make_socket(admins_socket.processor, name="admin.sink", queue=make_queue(name="admin.sink"),
                        task=make_task(admins_socket.processor, name="sink"), flow_key=admins_socket.flow_key)
    return admins_socket, other


def plugged_nodes() -> list[dict]:
    return [node("a", "admin.sock", "safe"), node("b", "admin.sink", "sink")]


def test_a_deployer_cannot_plug_sockets_without_add_plug(api_as, two_admin_sockets):
    attacker = api_as(make_user(*DEPLOYER))
    outcomes = deploy(attacker, plugged_nodes(), [edge("e1", "a", "b")], flow="admin")
    assert outcomes["admin.sock"]["ok"] and outcomes["admin.sink"]["ok"], "unchanged sockets need no right"
    assert_refused(outcomes["admin:e1"], "ADD_PLUG")
    assert not Plug.objects.exists()


def test_a_deployer_cannot_make_a_plugs_queue_without_add_queue(api_as, two_admin_sockets):
    attacker = api_as(make_user(*DEPLOYER, "ADD_PLUG"))
    outcomes = deploy(attacker, plugged_nodes(), [edge("e1", "a", "b", name="evil.wire")], flow="admin")
    assert_refused(outcomes["admin:e1"], "ADD_QUEUE")
    assert not Plug.objects.exists() and not Queue.objects.filter(name="evil.wire").exists()


def test_a_deployer_cannot_change_or_delete_a_plug_without_the_rights(api_as, two_admin_sockets):
    source, target = two_admin_sockets
    kept = make_plug(source, target, name="admin:e1", queue=target.queue, flow_key=source.flow_key)
    gone = make_plug(source, target, name="admin:e2", queue=target.queue, flow_key=source.flow_key)
    attacker = api_as(make_user(*DEPLOYER))
    outcomes = deploy(attacker, plugged_nodes(), [edge("e1", "a", "b", handle="error")], flow="admin")
    assert_refused(outcomes["admin:e1"], "UPDATE_PLUG")
    assert not outcomes["admin:e2"]["ok"] and "You need the DELETE_PLUG right" in outcomes["admin:e2"]["error"]
    assert Plug.objects.get(pk=kept.pk).type == "RESULT"
    assert Plug.objects.filter(pk=gone.pk).exists()


# --- 2. a schedule runs tasks: it needs RUN_TASK ----------------------------------------

def socket_body(**schedule) -> dict:
    processor = Processor.objects.get(name="adminproc")
    return {"name": "every2s", "processor": processor.name, "task": "dangerous",
            "queue": make_queue().name, **schedule}


def scheduled_tasks() -> int:
    """Schedules set through the socket services (their clock started)."""
    return Socket.objects.exclude(schedule_type="").filter(schedule_since__isnull=False).count()


def test_add_socket_alone_cannot_create_a_scheduled_socket(api_as, admins_socket):
    attacker = api_as(make_user("ADD_SOCKET"))
    response = attacker.post("/api/sockets/", socket_body(schedule_type="INTERVAL", interval=2, scheduled=True),
                             format="json")
    assert response.status_code == 403, response.content
    assert "You need the RUN_TASK right" in response.json()["message"]
    assert not Socket.objects.filter(name="every2s").exists() and scheduled_tasks() == 0


def test_add_socket_alone_still_creates_a_socket_with_no_schedule(api_as, admins_socket):
    response = api_as(make_user("ADD_SOCKET")).post("/api/sockets/", socket_body(), format="json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("change", [
    {"schedule_type": "INTERVAL", "interval": 2, "scheduled": True},
    {"interval": 2},
    {"data": {"args": ["rm -rf"]}},
    {"task": "dangerous"},
])
def test_update_socket_alone_cannot_set_or_change_a_schedule(api_as, admins_socket, change):
    if "schedule_type" not in change:  # the admin's socket already runs every hour
        Socket.objects.filter(pk=admins_socket.pk).update(schedule_type="INTERVAL", interval=3600, scheduled=True)
    before = Socket.objects.values().get(pk=admins_socket.pk)
    attacker = api_as(make_user("UPDATE_SOCKET"))
    response = attacker.patch(f"/api/sockets/{admins_socket.pk}/", change, format="json")
    assert response.status_code == 403, response.content
    assert "You need the RUN_TASK right" in response.json()["message"]
    assert Socket.objects.values().get(pk=admins_socket.pk) == before and scheduled_tasks() == 0


def test_update_socket_alone_may_remove_a_schedule_or_edit_a_description(api_as, admins_socket):
    Socket.objects.filter(pk=admins_socket.pk).update(schedule_type="INTERVAL", interval=3600, scheduled=True)
    editor = api_as(make_user("UPDATE_SOCKET"))
    assert editor.patch(f"/api/sockets/{admins_socket.pk}/", {"description": "hi"}, format="json").status_code == 200
    assert editor.patch(f"/api/sockets/{admins_socket.pk}/", {"schedule_type": ""}, format="json").status_code == 200


def test_with_run_task_a_socket_may_be_scheduled(api_as, admins_socket):
    scheduler = api_as(make_user("ADD_SOCKET", "RUN_TASK"))
    response = scheduler.post("/api/sockets/", socket_body(schedule_type="INTERVAL", interval=2, scheduled=True),
                              format="json")
    assert response.status_code == 201, response.content
    assert scheduled_tasks() == 1


# --- 3. LS_CALLS lists calls without what they carried and made ---------------------------

SECRET = "sk-live-the-function-returned-this"


@pytest.fixture
def secret_call():
    return make_call(arguments={"args": [SECRET]}, result={"token": SECRET}, error=f"failed with {SECRET}",
                     log=f"printed {SECRET}", state="finished")


def test_ls_calls_alone_lists_calls_without_arguments_result_error_or_log(api_as, secret_call):
    response = api_as(make_user("LS_CALLS")).get("/api/calls/")
    assert response.status_code == 200, response.content
    (row,) = response.json()["results"]
    assert row["id"] == str(secret_call.pk) and row["state"] == "finished"
    assert not {"arguments", "result", "error", "log"} & set(row)
    assert SECRET not in response.content.decode()


def test_ls_calls_alone_cannot_read_one_call(api_as, secret_call):
    response = api_as(make_user("LS_CALLS")).get(f"/api/calls/{secret_call.pk}/")
    assert response.status_code == 403 and SECRET not in response.content.decode()


def test_with_read_call_the_list_carries_the_content(api_as, secret_call):
    response = api_as(make_user("LS_CALLS", "READ_CALL")).get("/api/calls/")
    (row,) = response.json()["results"]
    assert row["result"] == {"token": SECRET} and row["log"] == f"printed {SECRET}"


# --- 4. the live path's stats need a right ---------------------------------------------------

def test_a_user_with_no_rights_cannot_read_the_live_stats(api_as):
    response = api_as(make_user("LS_PROCESSORS")).get("/api/live/stats/")
    assert (response.status_code, response.json()["message"]) == (403, "You need the LS_METRICS right to do this.")
