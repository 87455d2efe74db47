"""Pausing a processor while calls are queued: its worker stops taking calls (the queued
ones wait on the broker), and resuming drains them; none is lost."""

from __future__ import annotations

import pytest
from kombu import Connection

from apps.calls.models import Call, CallState
from apps.core.models import Status
from apps.engine.agent.control import active_queues
from apps.engine.dispatch import call_submit
from apps.engine.queues import broker_is_amqp, socket_queue_name
from apps.engine.worker import worker_node_name
from apps.network.models import Worker
from apps.processors.models import Processor, Socket
from apps.processors.services import processor_request_action
from tests.engine.agent.helpers import TIMINGS, nodes_healthy, wait_until
from tests.fixtures.engine import call_wait

# What is checked here does not depend on the broker: one broker is enough.
pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True),
              pytest.mark.parametrize("broker_url", ["redis"], indirect=True)]


def status_is(processor: Processor, status: str):
    return lambda: Processor.objects.get(pk=processor.pk).status == status


def ready_messages(broker_url: str, queue: str) -> int:
    """Messages waiting in the broker queue (not taken by any worker)."""
    with Connection(broker_url) as connection:
        channel = connection.default_channel
        if broker_is_amqp(broker_url):
            return channel.queue_declare(queue=queue, passive=True).message_count
        return channel.client.llen(queue)


def states(calls: list[Call]) -> list[str]:
    return list(Call.objects.filter(pk__in=[c.pk for c in calls]).order_by("created").values_list("state", flat=True))


def test_paused_processors_take_no_call_and_resume_drains_them_all(start_agent, make_processor, broker_url):
    agent = start_agent("pauser", cpus=2)
    nodes_healthy(agent)
    processor = make_processor("pausable", concurrency=2)
    processor_request_action(processor=processor, by=None, action="start")
    wait_until(status_is(processor, Status.RUNNING), timeout=60, what="running", agents=(agent,))
    socket = Socket.objects.get(name="pausable.sleep")
    before = [call_submit(socket=socket, args=[1], kwargs={}) for _ in range(6)]
    wait_until(lambda: states(before).count(CallState.RUNNING) == 2, timeout=20, what="two calls running",
               agents=(agent,))

    processor_request_action(processor=processor, by=None, action="pause")
    broker = broker_url.split(":")[0]
    TIMINGS[f"pause with calls queued -> paused ({broker})"] = wait_until(
        status_is(processor, Status.PAUSED), timeout=2, what="paused", agents=(agent,))
    wait_until(lambda: CallState.RUNNING not in states(before), timeout=10, what="running calls finish")
    started_while_running = [state for state in states(before) if state != CallState.QUEUED]
    during = [call_submit(socket=socket, args=[0.1], kwargs={}) for _ in range(3)]

    # While paused the worker consumes nothing, and every call not taken waits on the broker.
    worker = Worker.objects.get(processor=processor)
    node = worker_node_name(processor_name=processor.name, hostname=agent.name, pid=worker.process)
    queue = socket_queue_name(socket=socket)
    assert queue not in active_queues(worker=node)
    waiting = states(before).count(CallState.QUEUED) + len(during)
    wait_until(lambda: ready_messages(broker_url, queue) == waiting, timeout=10, what="calls waiting on the broker")
    assert [s for s in states(before) if s != CallState.QUEUED] == started_while_running
    assert set(states(during)) == {CallState.QUEUED}

    processor_request_action(processor=processor, by=None, action="resume")
    TIMINGS[f"resume -> running ({broker})"] = wait_until(
        status_is(processor, Status.RUNNING), timeout=2, what="resumed", agents=(agent,))
    finished = [call_wait(call, timeout=60) for call in before + during]
    assert [call.state for call in finished] == [CallState.FINISHED] * 9
    assert ready_messages(broker_url, queue) == 0
