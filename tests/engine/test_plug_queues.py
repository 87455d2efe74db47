"""A plug with a queue of its own, on both brokers: its deliveries wait there (not on the
target socket's queue), its limit holds the upstream, the monitor samples it as its own
wire, and everything drains exactly once."""

from __future__ import annotations

import uuid

import pytest

from apps.calls.models import Call, CallState
from apps.engine.monitor.sampling import sample, targets_load
from apps.engine.pressure import ready_count
from apps.engine.queues import plug_destination, socket_queue_name
from apps.network.models import Queue
from apps.processors.models import Plug, Socket
from tests.engine.test_back_pressure import echo
from tests.fixtures.engine import limited_socket, wait_for

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]
LIMIT = 4


def test_a_plugs_own_bounded_queue_holds_its_upstream_and_is_sampled_as_its_wire(proc1, stalled, start_worker,
                                                                                 broker_url):
    source = Socket.objects.get(name="pyfi.processors.sample.echo")
    sink = limited_socket(stalled, "echo", limit=-1)
    wire = Queue.objects.create(name=f"wire-{uuid.uuid4().hex[:8]}", max_length=LIMIT)
    plug = Plug.objects.create(name=f"pq-{uuid.uuid4().hex[:6]}", processor=proc1, source=source, target=sink,
                               queue=wire)
    name = plug_destination(plug=plug).name
    producers = 2
    upstream = start_worker("proc1", concurrency=producers)
    sources = [echo(source, i) for i in range(3 * LIMIT)]

    children = Call.objects.filter(parent__in=sources)  # queued on the wire, or held by a producer
    wait_for(lambda: ready_count(name) >= LIMIT and children.count() >= LIMIT + producers, timeout=60,
             processes=[upstream], what="the wire full and both upstream slots held")
    assert ready_count(name) <= LIMIT, "the broker refuses the one too many"
    assert ready_count(socket_queue_name(socket=sink)) == 0, "deliveries wait on the plug's queue, not the sink's"
    assert set(Call.objects.filter(parent__in=sources).values_list("queue", flat=True)) == {name}
    samples = {s.name: s for s in sample(broker_url, targets=[t for t in targets_load()
                                                              if t.name in (name, socket_queue_name(socket=sink))])}
    assert (samples[name].target.max_length, samples[name].state) == (LIMIT, "full")
    assert samples[name].ready >= LIMIT and samples[socket_queue_name(socket=sink)].ready == 0

    start_worker(stalled.name, concurrency=2)
    finished = Call.objects.filter(parent__in=sources, state=CallState.FINISHED)
    wait_for(lambda: finished.count() == 3 * LIMIT, timeout=120, processes=[upstream], what="everything drained")
    assert sorted(c.result for c in finished) == list(range(3 * LIMIT)), "none lost, none doubled"
    assert not finished.filter(attempts__gt=1).exists()
    assert Plug.objects.get(pk=plug.pk).blocked_seconds > 0
    assert Call.objects.filter(parent__in=sources, events__name="held").exists()
