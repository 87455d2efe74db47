"""What bench/elastic.py measures on: rows only, no worker and no mount (no message is ever
run; queues fill because nothing consumes them), in the bench database and Redis db (BENCH_DATABASE, BENCH_REDIS_DB).

- one healthy node with its agent (so the scaler has cpus to place on), heartbeat kept fresh;
- ``fresh``: a fixed processor's socket on ``bench.el.fresh`` (monitor freshness);
- ``bp``: a fixed processor's socket on ``bench.el.bp`` with ``max_length`` (back pressure);
- ``up``: a scalable processor (1..4), started, its socket on ``bench.el.up`` (scale-up);
- ``many``: 10 scalable processors (1..2), started, 20 sockets each, each on its own queue
  ``bench.el.qNNN`` (the 200 queues the monitor samples every tick from then on).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.harness import BROKER_URL, redis_client

NODE = "bench-el-node"
NODE_CPUS = 64
BP_LIMIT = 20
MANY_PROCESSORS, MANY_PER_PROCESSOR = 10, 20
UP_MAX = 4


@dataclass
class ElasticWorld:
    fresh: object
    bp: object
    up: object
    many: list = field(default_factory=list)


def node_fresh() -> None:
    """Heartbeat the bench node now (it counts as healthy for AGENT_DOWN_AFTER seconds)."""
    from django.utils import timezone

    from apps.network.models import Agent, Node

    now = timezone.now()
    Node.objects.filter(hostname=NODE).update(heartbeat=now)
    Agent.objects.filter(hostname=NODE).update(heartbeat=now)


def _processor(name: str, **fields):
    from apps.processors.models import Processor, Task

    processor = Processor.objects.create(name=name, module="elasticcode_examples.sample",
                                         gitrepo="file:///nonexistent/bench", **fields)
    Task.objects.create(name="echo", processor=processor, module=processor.module)
    return processor


def _socket(processor, name: str, queue: str, **queue_fields):
    from apps.network.models import Queue
    from apps.processors.models import Socket

    return Socket.objects.create(name=name, processor=processor, task=processor.tasks.get(name="echo"),
                                 queue=Queue.objects.create(name=queue, **queue_fields))


def _start(processor) -> None:
    from apps.processors.services import processor_request_action

    processor_request_action(processor=processor, by=None, action="start")


def elastic_world_build() -> ElasticWorld:
    from django.utils import timezone

    from apps.core.models import Status
    from apps.network.models import Agent, Node

    node = Node.objects.create(name=NODE, hostname=NODE, cpus=NODE_CPUS, heartbeat=timezone.now(), status=Status.UP)
    Agent.objects.create(name=NODE, hostname=NODE, node=node, cpus=NODE_CPUS, heartbeat=timezone.now())
    world = ElasticWorld(
        fresh=_socket(_processor("bench-el-fresh", concurrency=1), "el.fresh", "bench.el.fresh"),
        bp=_socket(_processor("bench-el-bp", concurrency=1), "el.bp", "bench.el.bp", max_length=BP_LIMIT),
        up=_socket(_processor("bench-el-up", concurrency=1, min_concurrency=1, max_concurrency=UP_MAX),
                   "el.up", "bench.el.up"))
    _start(world.up.processor)
    for p in range(MANY_PROCESSORS):
        processor = _processor(f"bench-el-p{p}", concurrency=1, min_concurrency=1, max_concurrency=2)
        for s in range(MANY_PER_PROCESSOR):
            index = p * MANY_PER_PROCESSOR + s
            world.many.append(_socket(processor, f"el.p{p}.s{s}", f"bench.el.q{index:03d}"))
        _start(processor)
    return world


def purge(*sockets) -> None:
    """Empty the sockets' broker queues and cancel their queued calls, so that no round
    inherits the calls of the one before (the calls table is part of every sample)."""
    from kombu import Connection

    from apps.calls.models import Call, CallState
    from apps.engine.queues import kombu_queue

    with Connection(BROKER_URL) as connection:
        for socket in sockets:
            kombu_queue(socket=socket)(connection.default_channel).purge()
    Call.objects.filter(socket__in=[s.pk for s in sockets], state=CallState.QUEUED).update(state=CallState.CANCELLED)


def submit(socket, value=0):
    from apps.engine.dispatch import call_submit

    return call_submit(socket=socket, args=[value], kwargs={})


class EventWatch:
    """Events of the platform's stream (what the live publisher feeds browsers from), timed
    when this process reads them: ``wait(predicate)`` -> (time.perf_counter(), event)."""

    def __init__(self) -> None:
        from apps.engine.events import STREAM_KEY

        self.client = redis_client()
        self.key = STREAM_KEY
        self.last = "0-0"

    def mark(self) -> None:
        """Only events added from now on count."""
        entries = self.client.xrevrange(self.key, count=1)
        self.last = entries[0][0].decode() if entries else "0-0"

    def wait(self, predicate: Callable[[dict], bool], *, timeout: float, what: str,
             alive: Callable[[], bool] | None = None) -> tuple[float, dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = self.client.xread({self.key: self.last}, block=200, count=500)
            seen = time.perf_counter()
            for _key, entries in reply or []:
                for sid, fields in entries:
                    self.last = sid.decode()
                    event = json.loads(fields[b"e"])
                    if predicate(event):
                        return seen, event
            if alive is not None and not alive():
                raise RuntimeError(f"gave up waiting for {what}: the producer of the events stopped")
        raise RuntimeError(f"no {what} within {timeout} s")


def queue_sample(event: dict, name: str) -> dict | None:
    """The sample of broker queue ``name`` in a monitor's ``queues`` event, if there."""
    if event.get("kind") != "queues":
        return None
    return next((q for q in event.get("queues", []) if q.get("name") == name), None)
