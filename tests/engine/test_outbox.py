"""The outbox sweeper (apps.engine.outbox): a queued call whose message is gone is sent again
and runs once; a message of an older send is dropped. On a real worker, on both brokers."""

from __future__ import annotations

import uuid

import pytest
import redis
from django.db import transaction

from apps.calls.models import Call, CallState
from apps.engine.dispatch import arguments_validate, call_publish, call_record, call_submit
from apps.engine.monitor.election import Election
from apps.engine.monitor.loop import Monitor
from apps.engine.outbox import calls_sweep, resent_counts
from apps.engine.queues import socket_destination
from apps.processors.models import Socket
from tests.fixtures.engine import _broker_switch, call_wait

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
    assert resent_counts(queues=[queue], since=lost.created) == {queue: 1}, "flow ls queues counts it"

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


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_a_broker_restarted_empty_loses_no_call(proc1, start_worker, broker_url, private_redis, settings):
    """Redis killed with messages ready and unacked, started again empty: the monitor's sweep
    sends the lost ones again, and every accepted call ends finished, once."""
    _broker_switch(private_redis.url)
    settings.CELERY_BROKER_URL = private_redis.url
    worker = start_worker("proc1", concurrency=1, BROKER_URL=private_redis.url)
    sleeper = Socket.objects.get(name=SLEEP)
    calls = [call_submit(socket=sleeper, args=[1], kwargs={}) for _ in range(5)]
    call_wait(calls[0], states=[CallState.RUNNING], worker=worker)
    assert redis.Redis.from_url(private_redis.url).llen(calls[0].queue) >= 3, "a backlog is ready"
    private_redis.kill()
    private_redis.start()
    _broker_switch(private_redis.url)  # the test process's pooled connections died with it

    settings.SWEEP_SECONDS, settings.SWEEP_GRACE_SECONDS = 0, 0
    election = Election(client=redis.Redis.from_url(settings.REDIS_URL), ttl_ms=5000,
                        key_prefix=f"test-outbox-{uuid.uuid4().hex}:")
    monitor = Monitor(broker_url=private_redis.url, election=election)
    try:
        resent = monitor.tick().resent
    finally:
        monitor.stop()
    assert sum(resent.values()) >= 3, resent
    for call in calls:
        done = call_wait(call, worker=worker, timeout=120)
        assert done.state == CallState.FINISHED and done.attempts == 1, (done.state, done.attempts)
    assert Call.objects.filter(pk__in=[c.pk for c in calls], state=CallState.FINISHED).count() == len(calls)
