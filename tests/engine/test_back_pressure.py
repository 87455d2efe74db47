"""Back pressure on both brokers: a full queue refuses sources and holds its upstream;
nothing is lost, nothing is run twice, and everything drains once the consumer returns."""

from __future__ import annotations

import itertools
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from kombu import Connection

from apps.calls.models import Call, CallState
from apps.engine.dispatch import call_publish, call_submit
from apps.engine.pressure import QueueFull, ready_count
from apps.engine.queues import socket_destination, socket_queue_name
from apps.processors.models import Plug, Processor, Socket
from tests.fixtures.engine import LIMIT, call_wait, limited_socket, wait_for

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


def depth(socket: Socket) -> int:
    return ready_count(socket_queue_name(socket=socket))


def echo(socket: Socket, value) -> Call:
    return call_submit(socket=socket, args=[value], kwargs={})


def test_a_source_is_refused_with_a_clear_message_once_the_queue_is_full(stalled, broker_url):
    sink = limited_socket(stalled, "echo")
    for i in range(LIMIT):
        echo(sink, i)
    wait_for(lambda: depth(sink) == LIMIT, timeout=10, what="the queue to hold its limit")
    with pytest.raises(QueueFull) as refused:
        echo(sink, "one too many")
    assert refused.value.status == 429 and f"{LIMIT} of {LIMIT} messages wait" in refused.value.message
    assert Call.objects.filter(socket=sink).count() == LIMIT, "nothing recorded for the refused call"
    assert depth(sink) == LIMIT


def test_a_stalled_consumer_holds_its_upstream_and_loses_nothing(proc1, stalled, start_worker, broker_url):
    source = Socket.objects.get(name="pyfi.processors.sample.echo")
    sink = limited_socket(stalled, "echo")
    plug = Plug.objects.create(name=f"bp-{uuid.uuid4().hex[:6]}", processor=proc1, source=source, target=sink,
                               queue=sink.queue)
    producers = 2
    upstream = start_worker("proc1", concurrency=producers)
    sources = [echo(source, i) for i in range(10 * LIMIT)]

    # The sink fills to its limit, then both upstream slots hold a delivery each.
    held = Call.objects.filter(parent__in=sources, events__name="held")
    wait_for(lambda: depth(sink) >= LIMIT and Call.objects.filter(socket=source, state=CallState.FINISHED)
             .count() >= LIMIT + producers, timeout=60, processes=[upstream], what="the sink full, upstream held")
    peak = max(depth(sink) for _ in range(20))
    # Both producers may see room for the last slot; the broker refuses the one too many
    # (RabbitMQ's reject-publish, the capped Redis push), so the queue never passes its limit.
    assert peak <= LIMIT
    # The ledger: every source is queued, or ran and its child is queued on the sink or held.
    children = Call.objects.filter(parent__in=sources)  # queued on the sink, or held by a producer
    assert children.count() <= LIMIT + 2 * producers
    assert Call.objects.filter(pk__in=[s.pk for s in sources], state=CallState.QUEUED).count() >= \
        10 * LIMIT - (LIMIT + 2 * producers), "the upstream stopped taking new work"

    start_worker(stalled.name, concurrency=2)
    finished = Call.objects.filter(parent__in=sources, state=CallState.FINISHED)
    wait_for(lambda: finished.count() == 10 * LIMIT, timeout=120, processes=[upstream], what="everything drained")
    assert sorted(c.result for c in finished) == list(range(10 * LIMIT)), "none lost, none doubled"
    assert not Call.objects.filter(pk__in=[s.pk for s in sources] + [c.pk for c in finished],
                                   attempts__gt=1).exists(), "no call ran twice"
    assert held.exists() and Plug.objects.get(pk=plug.pk).blocked_seconds > 0


def test_a_five_stage_chain_with_a_stalled_sink_stops_its_source(proc1, stalled, start_worker, broker_url):
    stages = [limited_socket(proc1, "echo", limit=3) for _ in range(4)] + [limited_socket(stalled, "echo", limit=3)]
    for upstream, downstream in itertools.pairwise(stages):
        Plug.objects.create(name=f"bp-{uuid.uuid4().hex[:6]}", processor=proc1, source=upstream,
                            target=downstream, queue=downstream.queue)
    worker = start_worker("proc1", concurrency=2)
    call_wait(echo(Socket.objects.get(name="pyfi.processors.sample.echo"), "ready?"), worker=worker)
    accepted, refused = 0, 0

    def feed() -> bool:
        nonlocal accepted, refused
        try:
            echo(stages[0], accepted)
            accepted += 1
        except QueueFull:
            refused += 1
        time.sleep(0.3)  # slower than the chain drains: only back pressure fills stage 0
        return refused >= 3

    wait_for(feed, timeout=90, processes=[worker], what="the source to refuse new work")
    queued = sum(depth(stage) for stage in stages)
    assert queued <= 3 * len(stages), f"{queued} messages queued along the chain"
    assert depth(stages[-1]) <= 3
    start_worker(stalled.name, concurrency=2)
    sunk = Call.objects.filter(socket=stages[-1], state=CallState.FINISHED)
    wait_for(lambda: sunk.count() == accepted, timeout=120, processes=[worker], what="every run to reach the sink")
    assert sorted(c.result for c in sunk) == list(range(accepted)), "every accepted run arrived once"


def test_a_publish_the_broker_refuses_is_held_then_sent_never_dropped(stalled, broker_url):
    """Two producers can both see room for the last slot; the broker refuses the second
    (RabbitMQ: reject-publish, confirmed; Redis: the capped push): it must wait and be
    sent again, not vanish."""
    sink = limited_socket(stalled, "echo", limit=1)
    call = echo(sink, "first")
    wait_for(lambda: depth(sink) == 1, timeout=10, what="the queue full")
    with ThreadPoolExecutor(max_workers=1) as pool:
        # Past the count: the broker refuses it.
        again = pool.submit(call_publish, call=call, destination=socket_destination(socket=sink))
        time.sleep(1.0)
        assert not again.done(), "a refused publish waits for room"
        with Connection(broker_url) as connection:
            assert connection.default_channel.basic_get(socket_queue_name(socket=sink), no_ack=True) is not None
        again.result(timeout=15)
    wait_for(lambda: depth(sink) == 1, timeout=10, what="the held message sent once there was room")


def test_a_retry_that_finds_its_queue_full_runs_again_and_is_not_lost(stalled, start_worker, broker_url):
    """Celery's own retry rejects the message when its publish is refused; the call would
    stay in "retry" forever. The worker runs the next attempt itself instead."""
    Processor.objects.filter(pk=stalled.pk).update(retries=1, retrydelay=1, timelimit=1)
    sink = limited_socket(stalled, "sleep", limit=1)
    worker = start_worker(stalled.name, concurrency=1)
    first = call_submit(socket=sink, args=[3], kwargs={})  # outlives its time limit: it asks for a retry
    wait_for(lambda: Call.objects.get(pk=first.pk).state == CallState.RUNNING, timeout=60, processes=[worker],
             what="the first call running")
    second = call_submit(socket=sink, args=[0], kwargs={})  # the queue is full now
    failed = call_wait(first, timeout=60, worker=worker)
    assert (failed.state, failed.attempts) == (CallState.FAILED, 2), "both attempts ran"
    assert list(failed.events.values_list("name", flat=True)).count("retry") == 1
    assert call_wait(second, timeout=60, worker=worker).state == CallState.FINISHED
