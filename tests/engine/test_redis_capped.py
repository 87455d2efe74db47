"""The capped Redis push: producers racing onto a bounded queue push exactly its limit, the
others are refused, and sent again through dispatch every one is queued, once."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from apps.engine.dispatch import call_publish
from apps.engine.message_headers import ENQUEUED_AT
from apps.engine.pressure import ready_count
from apps.engine.queues import TASK_NAME, kombu_queue, socket_destination
from apps.engine.redis_capped import QueueRefused
from flowsite.celery import app as celery_app
from tests.engine.monitor.conftest import BrokerQueue
from tests.factories import make_call, make_processor, make_queue, make_socket
from tests.fixtures.engine import wait_for

pytestmark = [pytest.mark.broker, pytest.mark.django_db,
              pytest.mark.parametrize("broker_url", ["redis"], indirect=True)]
LIMIT, PRODUCERS = 5, 16


@pytest.fixture
def bounded(broker_url) -> Iterator[BrokerQueue]:
    """A socket queue of ``LIMIT`` messages on the Redis broker, uniquely named."""
    tag = uuid.uuid4().hex[:10]
    socket = make_socket(make_processor(name=f"capproc-{tag}"), queue=make_queue(name=f"capq-{tag}",
                                                                                  max_length=LIMIT))
    queue = BrokerQueue(url=broker_url, socket=socket)
    yield queue
    queue.close()


def race(producers: int, send) -> list:
    """Run ``send(i)`` in ``producers`` threads released at the same instant; their results."""
    start = threading.Barrier(producers)

    def one(index: int):
        start.wait()
        return send(index)

    with ThreadPoolExecutor(max_workers=producers) as pool:
        return list(pool.map(one, range(producers)))


def test_producers_racing_onto_a_bounded_queue_push_exactly_its_limit(bounded):
    queue = kombu_queue(socket=bounded.socket)

    def send(index: int) -> bool:
        try:
            celery_app.send_task(TASK_NAME, kwargs={"call_id": str(index)}, queue=queue,
                                 routing_key=queue.routing_key, declare=[queue], priority=index % 10)
        except QueueRefused as refused:
            assert refused.limit == LIMIT
            return False
        return True

    pushed = race(PRODUCERS, send)
    assert pushed.count(True) == LIMIT, f"{pushed.count(True)} pushed onto a queue of {LIMIT}"
    assert pushed.count(False) == PRODUCERS - LIMIT
    assert ready_count(bounded.name) == LIMIT  # over every priority list


def test_refused_publishes_sent_again_by_dispatch_are_all_queued_once(bounded):
    socket = bounded.socket  # its queue and processor are loaded: the threads use no database
    calls = [make_call(socket) for _ in range(PRODUCERS)]
    started = time.time()
    delivered, depths = [], []

    def full() -> bool:
        depths.append(ready_count(bounded.name))
        return depths[-1] >= LIMIT

    def drain_one() -> bool:
        depths.append(ready_count(bounded.name))
        message = bounded.declared.get(no_ack=True)
        if message is not None:
            delivered.append(message)
        return len(delivered) == PRODUCERS

    with ThreadPoolExecutor(max_workers=PRODUCERS) as pool:
        destination = socket_destination(socket=socket)
        sending = [pool.submit(call_publish, call=call, destination=destination) for call in calls]
        wait_for(full, timeout=10, what="the queue full")
        waiting = sum(not future.done() for future in sending)
        assert waiting >= PRODUCERS - LIMIT, "the refused producers wait for room"
        wait_for(drain_one, timeout=60, what="every call delivered")
        for future in sending:
            future.result(timeout=10)
    assert max(depths) <= LIMIT, f"the queue held {max(depths)} of {LIMIT}"
    assert sorted(m.headers["id"] for m in delivered) == sorted(str(c.pk) for c in calls), "none lost, none twice"
    assert all(started <= m.headers[ENQUEUED_AT] <= time.time() for m in delivered)
    assert bounded.declared.get(no_ack=True) is None
