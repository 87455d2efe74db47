"""A worker's pool child, or the runner it started, dies mid-call while the worker lives: the
call is released at once (Celery's reject_on_worker_lost), not after the Redis visibility
timeout, and every call ends once, on both brokers."""

from __future__ import annotations

import os
import signal

import psutil
import pytest
from django.utils import timezone

from apps.calls.models import Call, CallState
from apps.engine.dispatch import call_submit
from apps.processors.models import Socket
from tests.fixtures.engine import WorkerProcess, call_wait, wait_for

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

SLEEP = "pyfi.processors.sample.sleep"
# Far above what the test waits: a call that came back only by the visibility timeout fails it.
VISIBILITY_TIMEOUT = "600"


def busy_child(worker: WorkerProcess) -> psutil.Process:
    """The pool child running a call: the one that started a runner subprocess."""
    def find():
        children = psutil.Process(worker.proc.pid).children()
        return next((child for child in children if child.children()), None)

    return wait_for(find, timeout=30, what="the pool child running the call", processes=[worker])


def names(call: Call) -> list[str]:
    return list(call.events.order_by("created").values_list("name", flat=True))


def test_a_pool_child_or_runner_killed_mid_call_is_released_at_once(proc1, start_worker, broker_url):
    worker = start_worker("proc1", concurrency=1, BROKER_VISIBILITY_TIMEOUT=VISIBILITY_TIMEOUT)
    sleeper = Socket.objects.get(name=SLEEP)
    call = call_submit(socket=sleeper, args=[2], kwargs={})
    after = call_submit(socket=sleeper, args=[0], kwargs={})
    call_wait(call, states=[CallState.RUNNING], worker=worker)
    busy_child(worker).kill()
    killed = timezone.now()

    done = call_wait(call, timeout=60, worker=worker)
    assert (done.state, done.result, done.attempts) == (CallState.FINISHED, 2, 2), (done.state, done.error)
    assert names(done).count("redelivered") == 1 and names(done).count("postrun") == 1, names(done)
    # The worker lives on, so its next pool child takes the message back at once, not after
    # the visibility timeout (Celery's lost-worker wait of 10 s, which AsynPool skips, is
    # what this bound, generous for a slow hour, would also tell apart).
    released = (done.events.get(name="redelivered").created - killed).total_seconds()
    assert released < 8, f"the call came back {released:.1f} s after its pool child died"
    assert call_wait(after, worker=worker).state == CallState.FINISHED

    # The runner (the user's code) killed mid-call: the call fails at once, saying so.
    crashed = call_submit(socket=sleeper, args=[30], kwargs={})
    call_wait(crashed, states=[CallState.RUNNING], worker=worker)
    os.killpg(busy_child(worker).children()[0].pid, signal.SIGKILL)
    crashed = call_wait(crashed, timeout=25, worker=worker)
    assert crashed.state == CallState.FAILED and crashed.attempts == 1
    assert "The runner process died while running" in crashed.error, crashed.error
    healthy = call_submit(socket=Socket.objects.get(name="pyfi.processors.sample.add_two"), args=[1, 2], kwargs={})
    assert call_wait(healthy, worker=worker).result == 3, "a fresh runner serves the next call"
    assert worker.proc.poll() is None, "the worker itself lived through both"
