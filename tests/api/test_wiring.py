"""Sockets, plugs and versions: foreign keys by name and the rules their services keep."""

from __future__ import annotations

import pytest

from apps.calls.models import CallState
from apps.flows.models import Flow
from apps.processors.models import Argument, Task
from tests.factories import make_call, make_processor, make_queue, make_socket

pytestmark = pytest.mark.django_db


def test_a_socket_is_created_by_names_and_creates_its_task(alice_api):
    make_processor(name="proc1", module="pyfi.processors.sample")
    make_queue(name="pyfi.queue1")
    body = {"name": "pyfi.processors.sample.do_something", "processor": "proc1", "queue": "pyfi.queue1",
            "task": "do_something"}
    response = alice_api.post("/api/sockets/", body, format="json")
    assert response.status_code == 201, response.content
    assert {k: response.json()[k] for k in body} == body
    task = Task.objects.get(name="do_something", processor__name="proc1")
    assert task.module == "pyfi.processors.sample"
    again = alice_api.post("/api/sockets/", {**body, "name": "second"}, format="json")
    assert again.status_code == 201 and Task.objects.filter(name="do_something").count() == 1


def test_a_plug_argument_must_belong_to_the_target_task(alice_api):
    source, target = make_socket(name="s1"), make_socket(name="s2")
    Argument.objects.create(name="message", task=target.task)
    make_queue(name="q1")
    body = {"name": "plug1", "source": "s1", "target": "s2", "queue": "q1", "argument": "nope"}
    response = alice_api.post("/api/plugs/", body, format="json")
    assert response.status_code == 400 and "argument" in response.json()["detail"]
    response = alice_api.post("/api/plugs/", {**body, "argument": "message"}, format="json")
    assert response.status_code == 201
    assert (response.json()["argument"], response.json()["processor"]) == ("message", source.processor.name)
    loop = alice_api.post("/api/plugs/", {**body, "name": "loop", "target": "s1", "argument": None}, format="json")
    assert loop.status_code == 400


def test_versions_are_numbered_per_flow_and_never_changed(alice_api):
    Flow.objects.create(name="flow1")
    first = alice_api.post("/api/versions/", {"flow": "flow1", "document": {"nodes": []}}, format="json").json()
    second = alice_api.post("/api/versions/", {"flow": "flow1", "document": {"nodes": [1]}, "name": "tuned"},
                            format="json").json()
    assert (first["number"], first["name"], first["author"]) == (1, "v1", "alice")
    assert (second["number"], second["name"]) == (2, "tuned")
    url = f"/api/versions/{first['id']}/"
    assert alice_api.patch(url, {"message": "x"}, format="json").status_code == 405
    assert alice_api.delete(url).status_code == 405


def test_calls_and_events_filter_by_socket_state_run_and_call(alice_api):
    socket = make_socket(name="proc1.do_something")
    call = make_call(socket, state=CallState.FAILED)
    make_call(state=CallState.FINISHED)
    listing = alice_api.get("/api/calls/", {"socket": "proc1.do_something", "state": "failed",
                                            "tracking": str(call.tracking)}).json()
    assert [c["id"] for c in listing["results"]] == [str(call.pk)]
    assert listing["results"][0]["socket"] == "proc1.do_something"
    from apps.calls.models import Event

    Event.objects.create(name="received", call=call)
    events = alice_api.get("/api/events/", {"call": str(call.pk)}).json()["results"]
    assert [(e["name"], e["call"]) for e in events] == [("received", str(call.pk))]
    assert alice_api.delete(f"/api/calls/{call.pk}/").status_code == 204
