"""Autoscaling on a real agent: a burst raises a processor from its minimum to its maximum,
every call runs exactly once while its worker is replaced, and the idle capacity is given
back after the hold. The queue monitor and its scaler tick in the test process."""

from __future__ import annotations

import time
import uuid

import pytest
import redis
from django.conf import settings

from apps.calls.models import Call, CallState, Event
from apps.core.models import Status
from apps.engine.dispatch import call_submit
from apps.engine.monitor.election import Election
from apps.engine.monitor.loop import Monitor
from apps.engine.monitor.sampling import History
from apps.engine.scaling.decide import Policy
from apps.engine.scaling.tick import Scaler
from apps.network.models import Worker
from apps.processors.models import Processor, Socket
from apps.processors.services import processor_request_action
from tests.engine.agent.helpers import (
    TIMINGS,
    calls_wait,
    nodes_healthy,
    placed,
    wait_until,
)

# What is checked here does not depend on the broker: one broker is enough.
pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True),
              pytest.mark.parametrize("broker_url", ["amqp"], indirect=True)]

TICK = 0.5


@pytest.fixture
def monitor(broker_url):
    prefix = f"test-scaling-{uuid.uuid4().hex}:"  # a lock of its own: other monitors share Redis
    election = Election(client=redis.Redis.from_url(settings.REDIS_URL), ttl_ms=3000, key_prefix=prefix)
    made = Monitor(broker_url=broker_url, election=election, history=History(window=3),
                   scaler=Scaler(policy=Policy(window=1, hold=2, up_settle=1)))
    yield made
    made.stop()


def ticking(monitor: Monitor, check, *, timeout: float, what: str, agents=()) -> float:
    """Tick the monitor every TICK seconds until ``check()``; the seconds it took."""
    last = [0.0]

    def tick_then_check() -> bool:
        if time.monotonic() - last[0] >= TICK:
            last[0] = time.monotonic()
            monitor.tick()
        return bool(check())

    return wait_until(tick_then_check, timeout=timeout, what=what, agents=agents)


def worker_running(processor: Processor, concurrency: int):
    return lambda: Worker.objects.filter(processor=processor, status=Status.RUNNING, concurrency=concurrency,
                                         ).exclude(process=None).exists()


def test_a_burst_scales_up_runs_every_call_once_and_scales_back_down(start_agent, make_processor, monitor,
                                                                    broker_url):
    broker = broker_url.split(":")[0]
    agent = start_agent("scaler", cpus=2)
    nodes_healthy(agent)
    processor = make_processor("scaled", concurrency=1, min_concurrency=1, max_concurrency=2, drain_seconds=2)
    processor_request_action(processor=processor, by=None, action="start")
    wait_until(worker_running(processor, 1), timeout=60, what="one worker of 1", agents=(agent,))
    assert placed(processor) == {agent.name: 1}

    socket = Socket.objects.get(name="scaled.sleep")
    calls = [call_submit(socket=socket, args=[0.8], kwargs={}) for _ in range(12)]
    TIMINGS[f"burst -> scaled to 2 ({broker})"] = ticking(
        monitor, lambda: placed(processor) == {agent.name: 2}, timeout=10, what="scaled up", agents=(agent,))
    scaled = Processor.objects.get(pk=processor.pk)
    assert (scaled.current_concurrency, scaled.running_concurrency) == (2, 2)
    assert scaled.last_scale_reason.startswith(("backlog: 1 -> 2", "at least"))
    ticking(monitor, worker_running(processor, 2), timeout=30, what="a worker of 2 running", agents=(agent,))

    ticking(monitor, lambda: not Call.objects.filter(pk__in=[c.pk for c in calls]).exclude(
        state__in=(CallState.FINISHED, CallState.FAILED)).exists(), timeout=40, what="calls end", agents=(agent,))
    finished = calls_wait(calls, timeout=5, agents=(agent,))
    assert [c.state for c in finished] == [CallState.FINISHED] * len(calls)
    assert [c.attempts for c in finished] == [1] * len(calls)  # replacing the worker ran none twice
    starts = Event.objects.filter(call__in=calls, name="prerun").values_list("call_id", flat=True)
    assert len(list(starts)) == len(set(starts))

    TIMINGS[f"idle -> scaled back to 1 ({broker})"] = ticking(
        monitor, lambda: placed(processor) == {agent.name: 1}, timeout=30, what="scaled down", agents=(agent,))
    assert Processor.objects.get(pk=processor.pk).last_scale_reason.startswith("idle capacity: 2 -> 1")
    ticking(monitor, worker_running(processor, 1), timeout=30, what="a worker of 1 again", agents=(agent,))
    after = call_submit(socket=Socket.objects.get(name="scaled.add_two"), args=[1, 2], kwargs={})
    assert calls_wait([after], timeout=20, agents=(agent,))[0].result == 3
