"""Leases on the Redis broker's held messages (apps.engine.redis_lease): a call running longer
than the visibility timeout on a live worker is not delivered again beside itself, and the
calls of a worker that died come back within one timeout."""

from __future__ import annotations

from socket import gethostname

import pytest
from django.utils import timezone

from apps.calls.models import Call, CallState
from apps.engine.dispatch import call_submit
from apps.engine.worker import worker_node_name
from apps.processors.models import Processor, Socket
from flowsite.celery import app as celery_app
from tests.fixtures.engine import call_wait, wait_for

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

SLEEP = "pyfi.processors.sample.sleep"
VISIBILITY = {"BROKER_VISIBILITY_TIMEOUT": "2", "BROKER_RESTORE_INTERVAL": "1"}


def names(call: Call) -> list[str]:
    return list(call.events.order_by("created").values_list("name", flat=True))


def node(worker) -> str:
    return worker_node_name(processor_name="proc1", hostname=gethostname(), pid=worker.proc.pid)


def holding(call: Call, workers: list):
    """The worker whose pool runs ``call`` now (Celery's inspect), or None."""
    for worker in workers:
        active = celery_app.control.inspect(destination=[node(worker)], timeout=1).active() or {}
        if any(task["id"] == str(call.pk) for task in active.get(node(worker), [])):
            return worker
    return None


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_a_call_longer_than_the_visibility_timeout_runs_once_and_a_dead_workers_call_comes_back(
        proc1, start_worker, broker_url):
    Processor.objects.filter(pk=proc1.pk).update(timelimit=120)
    workers = [start_worker("proc1", concurrency=1, **VISIBILITY) for _ in range(2)]
    wait_for(lambda: len(celery_app.control.ping(destination=[node(w) for w in workers], timeout=1)) == 2,
             timeout=120, what="both workers ready", processes=workers)
    sleeper = Socket.objects.get(name=SLEEP)

    # One worker runs it; the other, idle, restores every second what looks older than the
    # 2 s timeout: without leases it would take the running call and run it a second time.
    done = call_wait(call_submit(socket=sleeper, args=[5], kwargs={}), timeout=60)
    assert (done.state, done.attempts) == (CallState.FINISHED, 1), (done.state, done.attempts, names(done))
    assert "redelivered" not in names(done), "the live holder's message was given to the other worker"

    # Its holder dies with a call in hand: the other has it within the timeout and a sweep.
    orphan = call_submit(socket=sleeper, args=[60], kwargs={})
    call_wait(orphan, states=[CallState.RUNNING], timeout=60)
    holder = wait_for(lambda: holding(orphan, workers), timeout=30, what="the orphan's worker", processes=workers)
    survivor = next(worker for worker in workers if worker is not holder)
    holder.kill()
    killed = timezone.now()
    event = wait_for(lambda: orphan.events.filter(name="redelivered").first(), timeout=60,
                     what="the dead worker's call delivered again", processes=[survivor])
    assert (event.created - killed).total_seconds() < 30, "back within the visibility timeout and a sweep"
