"""processor_scale and the monitor's scaler tick: a decision is persisted with its reason,
placed on the network, audited and announced; scaled to zero, nothing runs and nothing
re-places it until the first message wakes it."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core.models import Log, Status
from apps.engine.agent.failover import placements_repair
from apps.engine.monitor.sampling import QueueSample, Target
from apps.engine.scaling import services
from apps.engine.scaling.decide import Policy
from apps.engine.scaling.tick import Rows, Scaler
from apps.network.models import Agent, Node
from apps.network.notify import control_decode, control_subscribe
from apps.processors.models import Processor
from apps.processors.services import processor_request_action, processor_update
from tests.factories import make_processor, make_queue

pytestmark = pytest.mark.django_db


def make_node(hostname: str, cpus: int) -> Node:
    node = Node.objects.create(name=hostname, hostname=hostname, cpus=cpus, heartbeat=timezone.now(), status=Status.UP)
    Agent.objects.create(name=hostname, hostname=hostname, node=node, cpus=cpus, heartbeat=timezone.now())
    return node


def placed(processor: Processor) -> dict[str, int]:
    return dict(processor.deployments.values_list("hostname", "cpus"))


def sample_of(processor: Processor, *, ready: int = 0, inflight: int = 0) -> QueueSample:
    queue = make_queue()
    target = Target(name=f"{queue.name}.{processor.name}", queue_id=queue.pk, queue=queue.name,
                    processor_id=processor.pk, processor=processor.name, scope="default", max_length=-1, paused=False)
    return QueueSample(target=target, ready=ready, inflight=inflight, consumers=1, arrival_rate=0,
                       completion_rate=0, oldest_age=None, state="ok")


@pytest.fixture
def events(monkeypatch):
    published = []
    monkeypatch.setattr(services, "event_publish", published.append)
    return published


def test_a_decision_is_persisted_placed_audited_and_announced(events, django_capture_on_commit_callbacks):
    make_node("s1", cpus=4)
    processor = make_processor(concurrency=1, max_concurrency=3)
    processor_request_action(processor=processor, by=None, action="start")
    with django_capture_on_commit_callbacks(execute=True):
        services.processor_scale(processor=processor, to=3, reason="backlog: 1 -> 3")
    row = Processor.objects.get(pk=processor.pk)
    assert (row.current_concurrency, row.last_scale_reason, row.last_scaled is not None) == (3, "backlog: 1 -> 3", True)
    assert placed(processor) == {"s1": 3}
    assert Log.objects.filter(source="scaler", text__contains="from 1 to 3").exists()
    assert events == [{"kind": "scale", "processor": processor.name, "id": str(processor.pk), "from": 1, "to": 3,
                       "reason": "backlog: 1 -> 3", "min": 1, "max": 3}]


def test_the_tick_scales_up_within_the_free_cpus_and_leaves_fixed_processors_alone(events):
    make_node("s1", cpus=3)
    busy = make_processor(concurrency=1, max_concurrency=8)
    fixed = make_processor(concurrency=1)
    for processor in (busy, fixed):
        processor_request_action(processor=processor, by=None, action="start")
    scaler = Scaler(policy=Policy(window=1, hold=1))
    changes = scaler.tick([sample_of(busy, ready=20, inflight=1), sample_of(fixed, ready=20, inflight=1)],
                          now=timezone.now())
    assert list(changes) == [busy.name] and changes[busy.name].to == 2  # 3 cpus, 1 held by the fixed one
    assert placed(busy) == {"s1": 2} and placed(fixed) == {"s1": 1}


def test_scaled_to_zero_nothing_is_placed_until_a_message_wakes_it(events):
    make_node("s1", cpus=2)
    processor = make_processor(concurrency=1, min_concurrency=0, max_concurrency=2, scale_to_zero=True)
    processor_request_action(processor=processor, by=None, action="start")
    scaler = Scaler(policy=Policy(window=1, hold=1))
    start = timezone.now()
    for second in range(6):
        scaler.tick([sample_of(processor)], now=start + timedelta(seconds=second))
    assert Processor.objects.get(pk=processor.pk).current_concurrency == 0
    assert placed(processor) == {}
    placements_repair()  # the agents' network check does not bring it back
    assert placed(processor) == {}
    assert Processor.objects.get(pk=processor.pk).status != Status.STOPPED
    changes = scaler.tick([sample_of(processor, ready=1)], now=start + timedelta(seconds=7))
    assert changes[processor.name].to == 1 and placed(processor) == {"s1": 1}


def test_the_scaler_reads_its_rows_again_only_when_told_and_a_new_bound_applies_at_once(
        events, django_capture_on_commit_callbacks):
    make_node("s3", cpus=8)
    processor = make_processor(concurrency=1, min_concurrency=1, max_concurrency=2)
    processor_request_action(processor=processor, by=None, action="start")
    scaler = Scaler(policy=Policy(window=1, hold=1, up_settle=1), rows=Rows(ttl=3600))
    busy = [sample_of(processor, ready=50, inflight=1)]
    start = timezone.now()
    assert scaler.tick(busy, now=start)[processor.name].to == 2
    scaler.tick(busy, now=start + timedelta(seconds=1), changed=False)  # reads what it just wrote
    with CaptureQueriesContext(connection) as quiet:
        scaler.tick(busy, now=start + timedelta(seconds=2), changed=False)
    assert not [q["sql"] for q in quiet if Processor._meta.db_table in q["sql"]], "nothing said: rows kept"
    subscription = control_subscribe()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            processor_update(processor=Processor.objects.get(pk=processor.pk), by=None,
                             fields={"max_concurrency": 5})
        told = control_messages(subscription)
    finally:
        subscription.close()
    assert {"processor": str(processor.pk), "updated": ["max_concurrency"]} in told
    assert scaler.tick(busy, now=start + timedelta(seconds=5), changed=True)[processor.name].to == 5


def control_messages(subscription, seconds: float = 5) -> list[dict]:
    messages, deadline = [], time.monotonic() + seconds
    while not messages and time.monotonic() < deadline:
        while (message := subscription.get_message(timeout=0.2)) is not None:
            messages.append(control_decode(message))
    return messages
