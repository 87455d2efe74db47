"""``sample`` counts a socket queue exactly at rest, on Redis and on RabbitMQ."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import redis
from django.utils import timezone

from apps.calls.models import CallState
from apps.core.models import Status
from apps.engine.dispatch import call_publish
from apps.engine.monitor.sampling import History, queue_state, sample
from apps.engine.queues import socket_destination
from apps.network.models import Queue, QueueState
from tests.factories import make_call

pytestmark = [pytest.mark.broker, pytest.mark.django_db]


def test_ready_counts_every_priority_list(broker_queue, broker_url):
    broker_queue.publish(10, priorities=(0, 3, 5, 9))
    [got] = sample(broker_url, targets=[broker_queue.target()])
    assert (got.ready, got.inflight) == (10, 0)
    if broker_url.startswith("redis"):
        # The trap this guards against: one LLEN sees the priority-0 list only.
        assert redis.Redis.from_url(broker_url).llen(broker_queue.name) < 10


def test_delivered_unacknowledged_messages_count_in_flight_not_ready(broker_queue, broker_url):
    broker_queue.publish(7, priorities=(0, 6))
    taken = broker_queue.take(3)
    if broker_url.startswith("amqp"):
        # AMQP tells no unacknowledged count: the calls the workers hold stand for it.
        for _ in taken:
            make_call(broker_queue.socket, state=CallState.RUNNING)
    [got] = sample(broker_url, targets=[broker_queue.target()])
    assert (got.ready, got.inflight) == (4, 3)
    taken[0].ack()
    [got] = sample(broker_url, targets=[broker_queue.target()])
    expected_inflight = 2 if broker_url.startswith("redis") else 3  # the call row is still running
    assert (got.ready, got.inflight) == (4, expected_inflight)


def test_rates_come_from_arrivals_and_the_backlog_between_ticks(broker_queue, broker_url):
    history = History(window=60)
    broker_queue.publish(5)
    [first] = sample(broker_url, targets=[broker_queue.target()], history=history)
    assert (first.ready, first.completion_rate) == (5, 0)
    for message in broker_queue.take(2):
        message.ack()
    broker_queue.publish(3)
    for _ in range(3):
        make_call(broker_queue.socket)  # dispatch records a call for every message it sends
    [second] = sample(broker_url, targets=[broker_queue.target()], history=history)
    assert second.ready == 6
    assert second.arrival_rate > 0
    # 5 waiting + 3 arrived - 6 waiting now: 2 left, against 3 that came.
    assert second.completion_rate / second.arrival_rate == pytest.approx(2 / 3)


def test_the_oldest_ready_message_is_aged_by_its_queued_call(broker_queue, broker_url):
    broker_queue.publish(1)
    call = make_call(broker_queue.socket)
    type(call).objects.filter(pk=call.pk).update(created=timezone.now() - timedelta(seconds=30))
    [got] = sample(broker_url, targets=[broker_queue.target()])
    assert 30 <= got.oldest_age < 40
    broker_queue.take(1)[0].ack()
    [got] = sample(broker_url, targets=[broker_queue.target()])
    assert got.oldest_age is None  # nothing is ready


def test_the_oldest_ready_message_is_aged_by_its_enqueue_time_over_every_priority_list(broker_queue, broker_url):
    now = time.time()
    at = datetime.fromtimestamp(now, tz=UTC)
    # The oldest is on the priority-0 list, behind a newer one; other lists hold newer messages.
    for priority, age in ((0, 50), (9, 10), (3, 20), (0, 5)):
        broker_queue.publish(1, priorities=(priority,), enqueued_at=now - age)
    call = make_call(broker_queue.socket)
    type(call).objects.filter(pk=call.pk).update(created=at - timedelta(seconds=30))
    redis_broker = broker_url.startswith("redis")
    [got] = sample(broker_url, targets=[broker_queue.target()], now=at)
    # Redis reads the header; RabbitMQ cannot read a message in place and ages by the call row.
    assert got.oldest_age == pytest.approx(50 if redis_broker else 30, abs=0.01)
    if redis_broker:
        broker_queue.take(1)[0].ack()  # the priority-0 list first, its oldest first
        [got] = sample(broker_url, targets=[broker_queue.target()], now=at)
        assert got.oldest_age == pytest.approx(20, abs=0.01)
        broker_queue.publish(1, priorities=(6,))  # no header: the broker's oldest is unknown
        [got] = sample(broker_url, targets=[broker_queue.target()], now=at)
        assert got.oldest_age == pytest.approx(30, abs=0.01)


def test_a_published_call_is_aged_from_its_publish_on_redis_and_its_row_on_rabbitmq(broker_queue, broker_url):
    call = make_call(broker_queue.socket)
    type(call).objects.filter(pk=call.pk).update(created=timezone.now() - timedelta(seconds=100))
    call_publish(call=call, destination=socket_destination(socket=broker_queue.socket))
    [got] = sample(broker_url, targets=[broker_queue.target()])
    if broker_url.startswith("redis"):
        assert 0 <= got.oldest_age < 5
    else:
        assert 100 <= got.oldest_age < 110


def test_a_queue_near_its_limit_warns_and_a_paused_processor_pauses_it(broker_queue, broker_url):
    Queue.objects.filter(pk=broker_queue.socket.queue_id).update(max_length=10)
    broker_queue.publish(6)
    [got] = sample(broker_url, targets=[broker_queue.target()])
    assert (got.state, got.target.max_length) == (QueueState.WARN, 10)
    type(broker_queue.socket.processor).objects.filter(pk=broker_queue.socket.processor_id).update(
        requested_status=Status.PAUSED)
    [got] = sample(broker_url, targets=[broker_queue.target()])
    assert got.state == QueueState.PAUSED


def test_a_queue_not_declared_yet_counts_zero(broker_queue, broker_url):
    target = broker_queue.target()
    broker_queue.close()
    [got] = sample(broker_url, targets=[target])
    assert (got.ready, got.inflight) == (0, 0)


@pytest.mark.parametrize(("ready", "limit", "state"), [
    (0, -1, "ok"), (10**6, -1, "ok"), (5, 10, "ok"), (6, 10, "warn"), (9, 10, "warn"), (10, 10, "full"),
    (11, 10, "full"), (0, 0, "full"),
])
def test_queue_state_bands(ready, limit, state):
    assert queue_state(ready=ready, max_length=limit, is_paused=False) == state
    assert queue_state(ready=ready, max_length=limit, is_paused=True) == "paused"
