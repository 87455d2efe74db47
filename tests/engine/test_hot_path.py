"""The call's transitions without a worker: a start, an outcome and what it routes, written
as one PostgreSQL statement each and as steps in a transaction (the path SQLite takes), with
the same rows either way (apps.engine.recording, apps.engine.ending, apps.engine.routing)."""

from __future__ import annotations

import pytest
from django.db import connection

from apps.calls.models import Call, CallState, Join, MetricSample
from apps.engine import dispatch, recording, sql
from apps.engine.ending import call_end
from apps.engine.recording import WorkerIdentity, call_start, failure, success
from apps.engine.routing import route_plan
from apps.flows.models import Flow, Version
from apps.processors.models import Argument, PlugType
from tests.factories import make_call, make_plug, make_processor, make_socket, make_task

pytestmark = pytest.mark.django_db
WHO = WorkerIdentity(hostname="node-a")


@pytest.fixture(params=["one statement", "steps"])
def writes(request, monkeypatch):
    monkeypatch.setattr(sql, "ONE_STATEMENT", request.param == "one statement")
    return request.param


def names(call: Call) -> list[str]:
    return list(call.events.order_by("created").values_list("name", flat=True))


def finish(call: Call, result, *, named=None, metrics=()) -> bool:
    """What a worker does when the function returned ``result``."""
    running = call_start(call_id=str(call.pk), who=WHO)
    assert running is not None
    ending = success(call=running, result=result, log="out\n", commit="c0ffee", duration_ms=1.5,
                     metrics=list(metrics))
    return call_end(call=running, ending=ending, route=route_plan(call=running, ok=True, value=result, named=named))


def test_a_start_marks_the_call_running_and_a_second_delivery_is_recorded_as_one(writes):
    call = make_call()
    first = call_start(call_id=str(call.pk), who=WHO)
    assert first is not None and first.attempts == 1 and first.function == call.task.name
    call.refresh_from_db()
    assert (call.state, call.attempts) == (CallState.RUNNING, 1) and call.started is not None
    assert names(call) == ["received", "prerun"]
    assert call.events.get(name="received").note == f"Received task {call.name} on node-a"
    again = call_start(call_id=str(call.pk), who=WHO)  # its worker died; the message came back
    assert again is not None and again.attempts == 2 and again.started == first.started
    assert names(call) == ["received", "prerun", "redelivered", "received", "prerun"]


def test_an_ended_call_or_a_message_of_another_send_is_not_started(writes):
    ended = make_call(state=CallState.CANCELLED)
    assert call_start(call_id=str(ended.pk), who=WHO) is None
    assert names(ended) == [], "a redelivered message of an ended call is skipped without a word"
    resent = make_call(generation=2)
    assert call_start(call_id=str(resent.pk), who=WHO, generation=1) is None
    resent.refresh_from_db()
    assert (resent.state, resent.attempts, names(resent)) == (CallState.QUEUED, 0, ["dropped"])
    assert resent.events.get().note.startswith("A message of send 1 was dropped: the call was sent again (send 2)")
    assert call_start(call_id=str(resent.pk), who=WHO, generation=2) is not None


def test_an_outcome_is_recorded_and_routed_once(writes, django_capture_on_commit_callbacks, monkeypatch):
    source = make_socket()
    target = make_socket(source.processor)
    make_plug(source, target)
    call = make_call(source)
    streamed, sent = [], []
    monkeypatch.setattr(dispatch, "events_publish", streamed.extend)
    monkeypatch.setattr(recording, "events_publish", streamed.extend)
    monkeypatch.setattr(dispatch, "_publish_held", lambda **kw: sent.append(kw["call"].pk))
    with django_capture_on_commit_callbacks(execute=True):
        assert finish(call, {"n": 1}, metrics=[{"name": "rows", "value": 3, "tag": {"t": "x"}}])
    call.refresh_from_db()
    assert (call.state, call.result, call.log, call.commit) == (CallState.FINISHED, {"n": 1}, "out\n", "c0ffee")
    assert names(call) == ["received", "prerun", "postrun"]
    assert call.events.get(name="postrun").data["run_ms"] == 1.5
    (child,) = Call.objects.filter(parent=call)
    assert (child.socket, child.state, child.arguments, child.hops) == (target, "queued", {"args": [{"n": 1}],
                                                                                       "kwargs": {}}, 1)
    assert (child.tracking, list(child.inputs.all()), names(child)) == (call.tracking, [call], ["queued"])
    assert MetricSample.objects.get(call=call).tags == {"t": "x"}
    assert sent == [child.pk], "its message is sent once the outcome commits"
    assert [e["event"] for e in streamed if e["kind"] == "call"] == ["postrun", "queued"]
    assert [e["name"] for e in streamed if e["kind"] == "metric"] == ["rows"]
    running = call_start(call_id=str(call.pk), who=WHO)
    assert running is None, "an ended call does not start again"


def test_a_second_outcome_of_one_call_writes_nothing(writes, django_capture_on_commit_callbacks):
    source = make_socket()
    make_plug(source, make_socket(source.processor))
    call = make_call(source)
    running = call_start(call_id=str(call.pk), who=WHO)
    assert running is not None
    route = route_plan(call=running, ok=True, value=1)
    assert call_end(call=running, ending=success(call=running, result=1, log="", commit="", duration_ms=0,
                                                 metrics=[]), route=route)
    with django_capture_on_commit_callbacks() as sent:
        assert not call_end(call=running, ending=failure(call=running, error="late"),
                            route=route_plan(call=running, ok=False, value="late"))
    call.refresh_from_db()
    assert call.state == CallState.FINISHED and Call.objects.filter(parent=call).count() == 1 and not sent
    assert names(call) == ["received", "prerun", "postrun"]


def test_a_failure_follows_error_plugs_only(writes):
    source = make_socket()
    on_error, on_result = make_socket(source.processor), make_socket(source.processor)
    make_plug(source, on_error, type=PlugType.ERROR)
    make_plug(source, on_result)
    call = make_call(source)
    running = call_start(call_id=str(call.pk), who=WHO)
    assert running is not None
    value = {"error": "boom", "call": str(call.pk)}
    assert call_end(call=running, ending=failure(call=running, error="ValueError: boom", log="x"),
                    route=route_plan(call=running, ok=False, value=value))
    call.refresh_from_db()
    assert (call.state, call.error, names(call)[-1]) == (CallState.FAILED, "ValueError: boom", "failure")
    assert [c.socket for c in Call.objects.filter(parent=call)] == [on_error]


def test_a_named_plug_fires_alone_and_the_unset_one_is_named(writes):
    source = make_socket()
    left, right = make_socket(source.processor), make_socket(source.processor)
    make_plug(source, left, name="left")
    make_plug(source, right, name="right")
    call = make_call(source)
    assert finish(call, None, named={"left": "L"})
    assert [(c.socket, c.arguments["args"]) for c in Call.objects.filter(parent=call)] == [(left, ["L"])]
    assert call.events.get(name="plug_unset").note.startswith("Not fired: plug 'right'")


def test_the_hop_limit_stops_a_run_with_an_event(writes, settings):
    settings.HOP_LIMIT = 3
    source = make_socket()
    make_plug(source, source)
    call = make_call(source, hops=3)
    assert finish(call, 1)
    assert not Call.objects.filter(parent=call).exists()
    assert "hop limit of 3" in call.events.get(name="hop_limit").note


def test_a_join_runs_its_target_once_both_arguments_are_there(writes):
    processor = make_processor()
    target = make_socket(processor, task=make_task(processor, name="add_two"))
    one, two = make_socket(processor), make_socket(processor)
    make_plug(one, target, argument=Argument.objects.create(name="one", task=target.task))
    make_plug(two, target, argument=Argument.objects.create(name="two", task=target.task))
    first = make_call(two)
    second = make_call(one, tracking=first.tracking)
    assert finish(first, 2)
    assert not Call.objects.filter(socket=target).exists() and Join.objects.get().values == {"two": 2}
    assert "waits for one" in first.events.get(name="join_wait").note
    assert finish(second, 1)
    (joined,) = Call.objects.filter(socket=target)
    assert joined.arguments == {"args": [], "kwargs": {"one": 1, "two": 2}} and not Join.objects.exists()
    assert set(joined.inputs.all()) == {first, second}


def test_a_downstream_call_records_the_flow_version_only_while_it_exists(writes):
    flow = Flow.objects.create(name="orders")
    version = Version.objects.create(name="orders v1", flow=flow, number=1, document={})
    source = make_socket()
    target = make_socket(source.processor, flow_version=version.pk, flow_key=str(flow.pk))
    make_plug(source, target)
    assert finish(make_call(source), 1)
    assert Call.objects.get(socket=target).version_id == version.pk
    Version.objects.all().delete()  # past the flows service: nothing told this process
    later = make_call(source)
    assert finish(later, 2)
    assert Call.objects.get(parent=later).version_id is None


@pytest.mark.django_db(transaction=True)
def test_the_start_is_planned_once_per_connection_and_again_after_a_reconnect(monkeypatch):
    monkeypatch.setattr(sql, "ONE_STATEMENT", True)

    def prepared() -> list[str]:
        """This session's prepared starts (the tests before may have prepared outcomes)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%%WITH old AS%%'")
            return [row[0] for row in cursor.fetchall()]

    for _ in range(2):
        assert call_start(call_id=str(make_call().pk), who=WHO) is not None
    (statement,) = prepared()
    assert statement.startswith("PREPARE ec_hot_")
    connection.close()  # a new session has no prepared statements: it prepares its own
    assert call_start(call_id=str(make_call().pk), who=WHO) is not None
    assert len(prepared()) == 1
