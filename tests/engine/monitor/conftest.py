"""A uniquely named socket queue on the test broker, and helpers to fill and drain it.

Names carry a uuid: other tests run at the same time on the same Redis and RabbitMQ."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import redis
from django.conf import settings
from kombu import Connection

from apps.engine.message_headers import publish_headers
from apps.engine.monitor.election import Election
from apps.engine.monitor.loop import Monitor
from apps.engine.monitor.sampling import Target, targets_load
from apps.engine.queues import TASK_NAME, kombu_queue, socket_queue_name
from apps.processors.models import Socket
from flowsite.celery import app as celery_app
from tests.factories import make_processor, make_queue, make_socket


@dataclass
class BrokerQueue:
    url: str
    socket: Socket
    connection: Connection = field(init=False)
    closed: bool = False

    def __post_init__(self) -> None:
        self.connection = Connection(self.url)
        self.declared = kombu_queue(socket=self.socket)(self.connection.default_channel)
        self.declared.declare()

    @property
    def name(self) -> str:
        return socket_queue_name(socket=self.socket)

    def target(self) -> Target:
        [target] = [t for t in targets_load() if t.name == self.name]
        return target

    def publish(self, count: int, *, priorities=(0,), enqueued_at: float | None = None) -> None:
        """``count`` messages the way dispatch sends them, cycling through ``priorities``;
        with the enqueue-time header only when ``enqueued_at`` is given."""
        queue = kombu_queue(socket=self.socket)
        headers = publish_headers(enqueued_at=enqueued_at) if enqueued_at is not None else None
        for index in range(count):
            celery_app.send_task(TASK_NAME, kwargs={"call_id": str(uuid.uuid4())}, queue=queue,
                                 routing_key=queue.routing_key, priority=priorities[index % len(priorities)],
                                 headers=headers)

    def take(self, count: int) -> list:
        """Deliver ``count`` messages to this connection without acknowledging them."""
        messages = []
        for _ in range(count):
            message = self.declared.get(no_ack=False)
            assert message is not None, "the queue ran dry"
            messages.append(message)
        return messages

    def close(self) -> None:
        """Give back what was taken (closing requeues it), then remove the queue (once)."""
        if self.closed:
            return
        self.closed = True
        self.connection.release()
        with Connection(self.url) as connection:
            queue = kombu_queue(socket=self.socket)(connection.default_channel)
            queue.purge()
            queue.delete()


@pytest.fixture
def broker_queue(broker_url) -> Iterator[BrokerQueue]:
    tag = uuid.uuid4().hex[:10]
    socket = make_socket(make_processor(name=f"monproc-{tag}"), queue=make_queue(name=f"monq-{tag}"))
    queue = BrokerQueue(url=broker_url, socket=socket)
    yield queue
    queue.close()


@pytest.fixture
def key_prefix():
    """Lock keys of this test only (other monitors may run on the same Redis)."""
    prefix = f"test-monitor-{uuid.uuid4().hex}:"
    yield prefix
    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


@pytest.fixture
def make_monitor(broker_url, key_prefix):
    made: list[Monitor] = []

    def make(ttl_ms: int = 5000, **kw) -> Monitor:
        election = Election(client=redis.Redis.from_url(settings.REDIS_URL), ttl_ms=ttl_ms, key_prefix=key_prefix)
        monitor = Monitor(broker_url=broker_url, election=election, **kw)
        made.append(monitor)
        return monitor

    yield make
    for monitor in made:
        monitor.stop()
