"""The outbox sweeper (apps.engine.outbox): a queued call whose message is gone is sent again
and runs once; a message of an older send is dropped. On a real worker, on both brokers."""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction

from apps.calls.models import Call, CallState
from apps.engine.dispatch import arguments_validate, call_publish, call_record
from apps.engine.outbox import calls_sweep
from apps.engine.queues import socket_destination
from apps.processors.models import Socket
from tests.fixtures.engine import call_wait

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

ADD_TWO = "pyfi.processors.sample.add_two"
SLEEP = "pyfi.processors.sample.sleep"


def record_unsent(socket: Socket, *args) -> Call:
    """A queued call whose request was cut between the commit and the publish."""
    with transaction.atomic():
        return call_record(socket=socket, arguments=arguments_validate(args=list(args), kwargs={}), by=None,
                           tracking=uuid.uuid4(), parent=None, inputs=[])


def ran_once(call: Call) -> bool:
    names = list(call.events.values_list("name", flat=True))
    return call.attempts == 1 and names.count("received") == 1 and names.count("postrun") == 1


def test_a_lost_message_is_sent_again_and_a_stale_one_dropped(proc1, start_worker, broker_url):
    socket = Socket.objects.select_related("queue", "processor").get(name=ADD_TWO)
    lost = record_unsent(socket, 1, 2)
    queue = lost.queue
    assert calls_sweep(depths={queue: 1}, grace=0).resent == {}, "its message may be waiting in the queue"
    assert calls_sweep(depths={queue: 0}, grace=0).resent == {queue: 1}
    assert Call.objects.get(pk=lost.pk).generation == 1
    assert calls_sweep(depths={queue: 1}, grace=0).resent == {}, "sent again once, not on every sweep"

    # A call sent twice (an old send, then the current one) to two free slots at once: the
    # old message is dropped, not run beside the current one.
    sleeper = Socket.objects.select_related("queue", "processor").get(name=SLEEP)
    twice = record_unsent(sleeper, 1)
    call_publish(call=twice, destination=socket_destination(socket=sleeper))
    Call.objects.filter(pk=twice.pk).update(generation=1)
    twice.generation = 1
    call_publish(call=twice, destination=socket_destination(socket=sleeper))

    worker = start_worker("proc1", concurrency=2)
    for call, result in ((lost, 3), (twice, 1)):
        done = call_wait(call, worker=worker)
        assert (done.state, done.result) == (CallState.FINISHED, result)
        assert ran_once(done), list(done.events.values_list("name", flat=True))
    assert "resent" in Call.objects.get(pk=lost.pk).events.values_list("name", flat=True)
