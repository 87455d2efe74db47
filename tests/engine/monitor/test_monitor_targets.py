"""The monitor keeps its targets (sockets, plugs, their queues and processors) between ticks:
read again when the control channel says something changed, or after the TTL (a queue's own
edit sends no message)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.models import Status
from apps.engine.monitor import services
from apps.engine.monitor.topology import ControlWatch, TargetCache
from apps.engine.queues import socket_queue_name
from apps.network.models import Queue
from apps.processors.models import Plug, Socket
from apps.processors.services import processor_request_status, socket_create
from tests.factories import make_queue, make_task
from tests.fixtures.engine import wait_for

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published(monkeypatch) -> list[dict]:
    """Every queue the monitor's events carried, newest last."""
    queues: list[dict] = []
    monkeypatch.setattr(services, "event_publish", lambda event: queues.extend(event["queues"]))
    return queues


def figures_of(published: list[dict], name: str) -> dict | None:
    return next((q for q in reversed(published) if q["name"] == name), None)


class HeardWatch(ControlWatch):
    """A control watch that remembers whether it heard anything at the last look."""

    heard = True

    def changed(self) -> bool:
        self.heard = super().changed()
        return self.heard


def quiet_tick_sql(monitor) -> list[str]:
    """The SQL of a tick during which the control channel said nothing (other tests on this
    Redis server may speak on it: such a tick is taken again)."""
    for _ in range(50):
        with CaptureQueriesContext(connection) as queries:
            monitor.tick()
        if not monitor.watch.heard:
            return [query["sql"] for query in queries]
    pytest.fail("the control channel never stayed quiet for one tick")


def test_while_nothing_changes_a_tick_reads_no_socket_or_plug(broker_queue, make_monitor):
    monitor = make_monitor(targets=TargetCache(ttl=3600), watch=HeardWatch())
    monitor.tick()
    statements = quiet_tick_sql(monitor)
    assert statements, "a tick still counts the calls"
    reads = [f'{verb} "{model._meta.db_table}"' for model in (Socket, Plug) for verb in ("FROM", "JOIN")]
    assert not [sql for sql in statements if any(read in sql for read in reads)], statements


def test_a_socket_added_through_its_service_is_sampled_at_once(broker_queue, make_monitor, published):
    monitor = make_monitor(targets=TargetCache(ttl=3600), watch=ControlWatch())
    monitor.tick()
    processor = broker_queue.socket.processor
    added = socket_create(by=None, fields={"name": f"{processor.name}.added", "processor": processor,
                                           "task": make_task(processor, name="added").name, "queue": make_queue()})
    name = socket_queue_name(socket=added)
    wait_for(lambda: monitor.tick() and figures_of(published, name), timeout=10, what="a sample of the new socket")


def test_a_paused_processor_shows_paused_at_once(broker_queue, make_monitor, published):
    monitor = make_monitor(targets=TargetCache(ttl=3600), watch=ControlWatch())
    monitor.tick()
    assert figures_of(published, broker_queue.name)["state"] == "ok"
    processor_request_status(processor=broker_queue.socket.processor, by=None, status=Status.PAUSED)
    wait_for(lambda: monitor.tick() and figures_of(published, broker_queue.name)["state"] == "paused",
             timeout=10, what="the queue shown paused")


def test_a_queue_edit_which_sends_no_message_is_seen_within_the_ttl(broker_queue, make_monitor, published):
    broker_queue.publish(3)
    monitor = make_monitor(targets=TargetCache(ttl=0.5), watch=ControlWatch())
    monitor.tick()
    assert figures_of(published, broker_queue.name)["state"] == "ok"
    Queue.objects.filter(pk=broker_queue.socket.queue_id).update(max_length=3)
    wait_for(lambda: monitor.tick() and figures_of(published, broker_queue.name)["state"] == "full",
             timeout=10, what="the new limit in the samples")
