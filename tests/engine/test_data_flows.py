"""Plugs, joins and runs on a real worker: values follow the topology deployed now."""

from __future__ import annotations

import random
import uuid

import pytest
from django.db import transaction

from apps.calls.models import Call, CallState, Join
from apps.engine.dispatch import call_submit
from apps.network.models import Queue
from apps.processors.models import Argument, Plug, PlugType, Socket
from apps.processors.services import plug_delete
from tests.fixtures.engine import call_wait, wait_for

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


def socket(function: str) -> Socket:
    return Socket.objects.get(name=f"pyfi.processors.sample.{function}")


def plug(source: str, target: str, *, argument: str | None = None, type=PlugType.RESULT, name=None) -> Plug:
    src, dst = socket(source), socket(target)
    return Plug.objects.create(
        name=name or f"{source}->{target}.{argument or ''}-{uuid.uuid4().hex[:4]}", processor=src.processor,
        source=src, target=dst, type=type, queue=Queue.objects.get(name="pyfi.queue1"),
        argument=Argument.objects.get(task=dst.task, name=argument) if argument else None,
    )


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_a_two_argument_join_runs_once_per_run_whatever_the_order(proc1, start_worker):
    """The spec's add_two(one, two) fed by two plugs: 200 runs, arguments in both orders."""
    Socket.objects.create(name="second.echo", processor=proc1, task=socket("echo").task,
                          queue=Queue.objects.get(name="pyfi.queue1"))
    Plug.objects.create(name="to-one", processor=proc1, source=socket("echo"), target=socket("add_two"),
                        queue=Queue.objects.get(name="pyfi.queue1"),
                        argument=Argument.objects.get(task=socket("add_two").task, name="one"))
    Plug.objects.create(name="to-two", processor=proc1, source=Socket.objects.get(name="second.echo"),
                        target=socket("add_two"), queue=Queue.objects.get(name="pyfi.queue1"),
                        argument=Argument.objects.get(task=socket("add_two").task, name="two"))
    worker = start_worker("proc1", concurrency=3)
    expected = {}
    for run in range(200):
        tracking = uuid.uuid4()
        one, two = run, 1000 * run
        expected[tracking] = one + two
        pair = [(socket("echo"), one), (Socket.objects.get(name="second.echo"), two)]
        random.shuffle(pair)
        for source, value in pair:
            call_submit(socket=source, args=[value], kwargs={}, tracking=tracking)
    adds = Call.objects.filter(socket=socket("add_two"))
    wait_for(lambda: adds.filter(state=CallState.FINISHED).count() >= 200, processes=[worker], what="200 add_two calls")
    assert adds.count() == 200
    assert {call.tracking: call.result for call in adds} == expected
    assert Join.objects.count() == 0


def test_results_follow_result_plugs_and_errors_follow_error_plugs(proc1, start_worker):
    plug("do_something", "do_this")
    plug("fail", "echo", type=PlugType.ERROR)
    worker = start_worker("proc1")
    first = call_submit(socket=socket("do_something"), args=["hi"], kwargs={})
    child = wait_for(lambda: Call.objects.filter(parent=first, state=CallState.FINISHED).first(), processes=[worker])
    assert child.result == "Do this: TEXT:hi" and child.tracking == first.tracking
    failing = call_submit(socket=socket("fail"), args=["x"], kwargs={})
    handler = wait_for(lambda: Call.objects.filter(parent=failing, state=CallState.FINISHED).first(),
                       processes=[worker])
    assert handler.result["error"].startswith("ValueError") and handler.result["call"] == str(failing.pk)


def test_a_function_that_names_a_plug_sends_to_that_plug_alone(proc1, start_worker):
    plug("route", "echo", name="left")
    plug("route", "do_this", name="right")
    plug("route", "say", name="elsewhere")
    worker = start_worker("proc1")
    call = call_submit(socket=socket("route"), args=["m"], kwargs={})
    call_wait(call, worker=worker)
    children = wait_for(lambda: list(Call.objects.filter(parent=call, state=CallState.FINISHED))
                        if Call.objects.filter(parent=call, state=CallState.FINISHED).count() == 2 else None,
                        processes=[worker])
    assert sorted(c.socket.name.rsplit(".", 1)[1] for c in children) == ["do_this", "echo"]


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_a_cycle_stops_at_the_hop_limit_with_a_clear_message(proc1, start_worker):
    plug("echo", "echo")
    worker = start_worker("proc1", HOP_LIMIT="5")
    first = call_submit(socket=socket("echo"), args=[1], kwargs={})
    stopped = wait_for(lambda: Call.objects.filter(tracking=first.tracking, events__name="hop_limit").first(),
                       processes=[worker], what="the hop limit")
    assert Call.objects.filter(tracking=first.tracking).count() == 6
    assert "hop limit of 5" in stopped.events.get(name="hop_limit").note


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_a_plug_change_while_calls_flow_applies_to_the_next_calls(proc1, start_worker):
    old = plug("echo", "do_this")
    worker = start_worker("proc1", concurrency=2)
    sources = [call_submit(socket=socket("echo"), args=[i], kwargs={}) for i in range(30)]
    wait_for(lambda: Call.objects.filter(socket=socket("do_this")).count() >= 5, processes=[worker])
    with transaction.atomic():  # one change: a source finishing now sees the old plug or the new one
        plug_delete(plug=old, by=None)  # through the service, which tells the workers' topology copies
        plug("echo", "say")
    later = [call_submit(socket=socket("echo"), args=[i], kwargs={}) for i in range(30, 40)]
    children = Call.objects.filter(parent__in=sources + later, state=CallState.FINISHED)
    wait_for(lambda: children.count() >= 40, processes=[worker], timeout=180, what="40 downstream calls")
    assert all(Call.objects.get(parent=call).socket == socket("say") for call in later)
    assert Call.objects.filter(parent__in=sources + later).count() == 40, "none lost, none doubled"
