"""A node whose agent dies keeps no consuming worker: the workers it left stop once the agent
has been silent as long as it takes to mark the node down, the calls move to the live node,
and placement gives that node no more worker processes than it has cpus."""

from __future__ import annotations

import os
import signal

import psutil
import pytest

from apps.calls.models import Call, CallState
from apps.core.models import Status
from apps.engine.dispatch import call_submit
from apps.network.models import Node, Worker
from apps.processors.models import Processor, Socket
from apps.processors.services import processor_request_action
from tests.engine.agent.helpers import DOWN_AFTER, HEARTBEAT, calls_wait, nodes_healthy, placed, wait_until

# The workers' watch does not depend on the broker: Redis only, to keep the suite short.
pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True),
              pytest.mark.parametrize("broker_url", ["redis"], indirect=True)]


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def ran_once(calls: list[Call]) -> bool:
    return all(list(call.events.values_list("name", flat=True)).count("postrun") == 1 for call in calls)


def test_when_an_agent_dies_its_workers_stop_and_calls_move_to_the_live_node(start_agent, make_processor):
    doomed, small = start_agent("doomed", cpus=2), start_agent("small", cpus=1)
    nodes_healthy(doomed, small)
    processor = make_processor("orphans", concurrency=3)
    processor_request_action(processor=processor, by=None, action="start")
    wait_until(lambda: Processor.objects.get(pk=processor.pk).status == Status.RUNNING, timeout=60,
               what="running on both nodes", agents=(doomed, small))
    assert placed(processor) == {doomed.name: 2, small.name: 1}

    socket = Socket.objects.get(name="orphans.sleep")
    first = [call_submit(socket=socket, args=[0.5], kwargs={}) for _ in range(12)]
    node = Node.objects.get(hostname=doomed.name)
    wait_until(lambda: Call.objects.filter(pk__in=[c.pk for c in first], node=node).exists(), timeout=30,
               what="calls running on the node about to lose its agent", agents=(doomed, small))
    orphans = [worker.process for worker in doomed.workers()]
    os.kill(doomed.proc.pid, signal.SIGKILL)  # the agent only: its workers live on
    doomed.proc.wait(timeout=10)

    window = DOWN_AFTER + 2 * HEARTBEAT + 1
    wait_until(lambda: Node.objects.get(pk=node.pk).status == Status.DOWN, timeout=window,
               what="the node marked down", agents=(small,))
    # The survivor has one cpu: one worker process there, not the three asked for.
    wait_until(lambda: placed(processor) == {small.name: 1}, timeout=10, what="moved within its cpus",
               agents=(small,))
    # The orphans stop taking calls (their current ones finish) within the watch's bound.
    wait_until(lambda: not any(alive(pid) for pid in orphans), timeout=window + 20,
               what="the dead agent's workers stopped", agents=(small,))
    wait_until(lambda: Worker.objects.filter(hostname=small.name, process__isnull=False, concurrency=1,
                                             status=Status.RUNNING).exists(),
               timeout=60, what="the survivor's one-cpu worker", agents=(small,))

    later = [call_submit(socket=socket, args=[0.1], kwargs={}) for _ in range(6)]
    done = calls_wait(first + later, timeout=120, agents=(small,))
    assert {call.state for call in done} == {CallState.FINISHED}
    assert ran_once(done), "nothing recorded twice"
    assert {call.node.hostname for call in done[len(first):]} == {small.name}, "only the live node takes calls"
