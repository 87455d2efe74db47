"""Calls of the example processor on a real Celery worker, on RabbitMQ and on Redis."""

from __future__ import annotations

import pytest

from apps.calls.models import Call, CallState
from apps.engine.dispatch import call_submit
from apps.processors.models import Processor, Socket
from tests.fixtures.engine import call_wait

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


def run(name: str, *args, worker=None, **kwargs) -> Call:
    call = call_submit(socket=Socket.objects.get(name=f"pyfi.processors.sample.{name}"), args=list(args), kwargs=kwargs)
    return call_wait(call, worker=worker)


def test_the_quickstart_runs_on_a_real_worker(proc1, start_worker):
    worker = start_worker("proc1")
    call = run("do_this", ["some data"], worker=worker)
    assert (call.state, call.result) == (CallState.FINISHED, "Do this: ['some data']")
    call = run("do_something", "Hello", worker=worker)
    assert call.result == "TEXT:Hello"
    assert call.commit == Processor.objects.get(pk=proc1.pk).mount_commit
    assert list(call.events.values_list("name", flat=True)) == ["queued", "received", "prerun", "postrun"]
    assert call.worker.name.startswith("proc1@")


def test_prints_are_captured_and_metrics_recorded(proc1, start_worker):
    worker = start_worker("proc1")
    call = run("say", "hello there", worker=worker)
    assert "hello there" in call.log
    call = run("do_graph", "x", worker=worker)
    assert call.state == CallState.FINISHED
    sample = proc1.metric_samples.get()
    assert sample.name == "temperature" and sample.call_id == call.pk


def test_failures_are_recorded_with_a_clear_message(proc1, start_worker):
    worker = start_worker("proc1")
    failed = run("fail", "boom", worker=worker)
    assert failed.state == CallState.FAILED and failed.error.startswith("ValueError:")
    not_json = run("bad_result", worker=worker)
    assert not_json.state == CallState.FAILED and "not JSON-serialisable" in not_json.error
    too_slow = run("sleep", 60, worker=worker)
    assert too_slow.state == CallState.FAILED and "time limit of 5 s" in too_slow.error
    healthy = run("add_two", 1, 2, worker=worker)
    assert healthy.result == 3, "the worker is healthy after each failure"


def test_a_worker_killed_mid_call_leaves_the_call_for_redelivery(proc1, start_worker):
    first = start_worker("proc1", concurrency=1)
    call = call_submit(socket=Socket.objects.get(name="pyfi.processors.sample.sleep"), args=[2], kwargs={})
    call_wait(call, states=[CallState.RUNNING], worker=first)
    first.kill()
    second = start_worker("proc1", concurrency=1)
    call = call_wait(call, worker=second, timeout=60)
    assert (call.state, call.result) == (CallState.FINISHED, 2)
    names = list(call.events.values_list("name", flat=True))
    assert names.count("postrun") == 1 and "redelivered" in names


def test_retries_follow_the_processor_options(proc1, start_worker):
    Processor.objects.filter(pk=proc1.pk).update(retries=2, retrydelay=0)
    worker = start_worker("proc1")
    call = run("fail", "again", worker=worker)
    assert call.state == CallState.FAILED and call.attempts == 3
    assert list(call.events.values_list("name", flat=True)).count("retry") == 2


def test_the_runner_sees_no_platform_secret(proc1, start_worker):
    """The worker has DATABASE_URL, SECRET_KEY and BROKER_URL; the user's code must not."""
    worker = start_worker("proc1")
    call = run("environment", worker=worker)
    assert call.state == CallState.FINISHED and "PATH" in call.result
    leaked = {"DATABASE_URL", "SECRET_KEY", "BROKER_URL", "REDIS_URL"} & set(call.result)
    assert leaked == set()
