"""Leases on the Redis broker's held messages (apps.engine.redis_lease): a call running longer
than the visibility timeout on a live worker is not delivered again beside itself, and the
calls of a worker that died come back within one timeout."""

from __future__ import annotations

import pytest
from django.utils import timezone

from apps.calls.models import Call, CallState
from apps.engine.dispatch import call_submit
from apps.processors.models import Processor, Socket
from tests.fixtures.engine import call_wait, wait_for

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

SLEEP = "pyfi.processors.sample.sleep"
VISIBILITY = {"BROKER_VISIBILITY_TIMEOUT": "2", "BROKER_RESTORE_INTERVAL": "1"}


def names(call: Call) -> list[str]:
    return list(call.events.order_by("created").values_list("name", flat=True))


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_a_call_longer_than_the_visibility_timeout_runs_once_and_a_dead_workers_call_comes_back(
        proc1, start_worker, broker_url):
    Processor.objects.filter(pk=proc1.pk).update(timelimit=120)
    holder = start_worker("proc1", concurrency=1, **VISIBILITY)
    sleeper = Socket.objects.get(name=SLEEP)
    long_call = call_submit(socket=sleeper, args=[5], kwargs={})
    call_wait(long_call, states=[CallState.RUNNING], worker=holder)
    # A second worker, restoring what it finds older than the 2 s timeout every second. The
    # holder is busy (one slot, one message prefetched), so the next call is the other's.
    other = start_worker("proc1", concurrency=1, **VISIBILITY)
    orphan = call_submit(socket=sleeper, args=[60], kwargs={})
    call_wait(orphan, states=[CallState.RUNNING], worker=other)

    done = call_wait(long_call, timeout=60, worker=holder)
    assert (done.state, done.attempts) == (CallState.FINISHED, 1), (done.state, done.attempts, names(done))
    assert "redelivered" not in names(done), "the live holder's message was given to the other worker"

    # The other worker dies with its call in hand: the holder, idle now, has it within the
    # timeout and a sweep, not an hour.
    assert "redelivered" not in names(orphan)
    other.kill()
    killed = timezone.now()
    event = wait_for(lambda: orphan.events.filter(name="redelivered").first(), timeout=60,
                     what="the dead worker's call delivered again", processes=[holder])
    assert (event.created - killed).total_seconds() < 30, "back within the visibility timeout and a sweep"
