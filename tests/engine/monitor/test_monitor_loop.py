"""The monitor loop: one elected writer per scope, retention, one coalesced live event per
tick, and ``manage.py queue_monitor`` as a real process."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.engine.monitor import services
from apps.engine.monitor.sampling import DEFAULT_SCOPE
from apps.live.groups import event_topics
from apps.network.models import Network, Queue, QueueLog
from tests.factories import make_queue
from tests.fixtures.engine import wait_for

pytestmark = [pytest.mark.broker]


def samples_of(broker_queue):
    return QueueLog.objects.filter(name=broker_queue.name)


@pytest.mark.django_db
def test_two_monitors_never_both_write_and_the_second_takes_over(broker_queue, make_monitor):
    broker_queue.publish(2)
    first, second = make_monitor(), make_monitor()
    assert first.tick().held == {DEFAULT_SCOPE}
    assert second.tick().held == set()
    assert first.tick().written == 0, "nothing changed: queuelog is a change log with a heartbeat"
    assert second.tick().written == 0
    assert list(samples_of(broker_queue).values_list("ready", flat=True)) == [2]
    broker_queue.publish(1)
    assert first.tick().written >= 1
    first.stop()  # a clean stop gives the scope up at once
    assert second.tick().held == {DEFAULT_SCOPE}  # a new leader writes every queue once
    assert first.tick().held == set()
    assert list(samples_of(broker_queue).order_by("created").values_list("ready", flat=True)) == [2, 3, 3]


@pytest.mark.django_db
def test_a_silent_leader_loses_its_scope_when_the_lock_expires(broker_queue, make_monitor):
    first, second = make_monitor(ttl_ms=300), make_monitor(ttl_ms=300)
    assert first.tick().held == {DEFAULT_SCOPE}
    wait_for(lambda: second.tick().held, timeout=5, what="the lock to expire")
    assert first.tick().held == set()


@pytest.mark.django_db
def test_a_network_monitor_writes_only_its_networks_queues(broker_queue, make_monitor):
    network = Network.objects.create(name=f"net-{uuid.uuid4().hex[:8]}")
    monitor = make_monitor(network_id=str(network.pk))
    assert monitor.tick().written == 0  # the queue is in no network
    Queue.objects.filter(pk=broker_queue.socket.queue_id).update(network=network)
    assert monitor.tick().held == {str(network.pk)}
    assert samples_of(broker_queue).count() == 1


@pytest.mark.django_db
def test_old_samples_are_deleted_at_most_once_a_minute(broker_queue, make_monitor):
    queue = make_queue()
    old = QueueLog.objects.create(queue=queue, created=timezone.now() - timedelta(hours=2))
    fresh = QueueLog.objects.create(queue=queue, created=timezone.now() - timedelta(minutes=30))
    monitor = make_monitor(retention=3600)
    assert monitor.tick().pruned == 1
    assert set(QueueLog.objects.filter(queue=queue)) == {fresh}
    old.pk = None
    old.save()
    assert monitor.tick().pruned == 0  # within the minute
    monitor.last_prune -= 61
    assert monitor.tick().pruned == 1


@pytest.mark.django_db
def test_one_event_per_tick_lists_only_the_queues_that_changed(broker_queue, make_monitor, monkeypatch):
    events = []
    monkeypatch.setattr(services, "event_publish", events.append)
    monitor = make_monitor()
    broker_queue.publish(3)
    monitor.tick()
    assert [e["kind"] for e in events] == ["queues"]
    [mine] = [q for q in events[0]["queues"] if q["name"] == broker_queue.name]
    assert (mine["ready"], mine["inflight"], mine["state"], mine["processor"]) == (
        3, 0, "ok", broker_queue.socket.processor.name)
    assert event_topics(events[0]) == ["queues"]
    events.clear()
    monitor.tick()
    assert all(q["name"] != broker_queue.name for e in events for q in e["queues"])
    broker_queue.publish(1)
    monitor.tick()
    assert [q["ready"] for e in events for q in e["queues"] if q["name"] == broker_queue.name] == [4]


@pytest.mark.django_db(transaction=True)
def test_the_command_samples_the_queues_of_its_network(broker_queue, start_process):
    network = Network.objects.create(name=f"net-{uuid.uuid4().hex[:8]}")
    Queue.objects.filter(pk=broker_queue.socket.queue_id).update(network=network)
    broker_queue.publish(5, priorities=(0, 9))
    process = start_process(["manage.py", "queue_monitor", "--interval", "0.5", "--network", network.name])
    wait_for(lambda: samples_of(broker_queue).exists(), timeout=30, what="a first sample", processes=[process])
    newest = samples_of(broker_queue).order_by("-created").first()
    assert (newest.ready, newest.inflight, newest.state) == (5, 0, "ok")
    broker_queue.publish(1)  # a change: the next tick writes it
    wait_for(lambda: samples_of(broker_queue).filter(ready=6).exists(), timeout=30, what="the change sampled",
             processes=[process])
    process.stop()
    assert process.proc.returncode == 0, process.log()
