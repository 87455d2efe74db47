"""A node dies (its agent and workers SIGKILLed): it is marked down within the heartbeat
window, its deployments move to the other agent, and every call queued before finishes."""

from __future__ import annotations

import time

import pytest

from apps.calls.models import Call, CallState
from apps.core.models import Status
from apps.engine.dispatch import call_submit
from apps.network.models import Node
from apps.processors.models import Processor, Socket
from apps.processors.services import processor_request_action
from tests.engine.agent.helpers import DOWN_AFTER, HEARTBEAT, TIMINGS, nodes_healthy, placed, wait_until
from tests.fixtures.engine import call_wait

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

CALLS = 12


def test_when_a_node_dies_its_deployments_move_and_no_queued_call_is_lost(start_agent, make_processor, broker_url):
    broker = broker_url.split(":")[0]
    a1, a2 = start_agent("a1", cpus=4), start_agent("a2", cpus=4)
    nodes_healthy(a1, a2)
    processor = make_processor("survivor", concurrency=4)
    processor_request_action(processor=processor, by=None, action="start")
    wait_until(lambda: Processor.objects.get(pk=processor.pk).status == Status.RUNNING, timeout=60,
               what="running on both nodes", agents=(a1, a2))
    assert placed(processor) == {a1.name: 2, a2.name: 2}

    socket = Socket.objects.get(name="survivor.sleep")
    calls = [call_submit(socket=socket, args=[1], kwargs={}) for _ in range(CALLS)]
    dying = Node.objects.get(hostname=a1.name)
    wait_until(lambda: Call.objects.filter(pk__in=[c.pk for c in calls], node=dying, state=CallState.RUNNING).exists(),
               timeout=30, what="a call running on the node about to die", agents=(a1, a2))

    a1.kill_with_workers()
    killed = time.monotonic()
    window = DOWN_AFTER + 2 * HEARTBEAT + 1
    wait_until(lambda: Node.objects.get(pk=dying.pk).status == Status.DOWN, timeout=window,
               what="the dead node marked down", agents=(a2,))
    TIMINGS[f"node down after SIGKILL ({broker})"] = time.monotonic() - killed
    wait_until(lambda: placed(processor) == {a2.name: 4}, timeout=5, what="deployments moved", agents=(a2,))
    TIMINGS[f"deployments moved after SIGKILL ({broker})"] = time.monotonic() - killed

    finished = [call_wait(call, timeout=90) for call in calls]
    TIMINGS[f"all {CALLS} calls finished after SIGKILL ({broker})"] = time.monotonic() - killed
    assert [call.state for call in finished] == [CallState.FINISHED] * CALLS
    assert all(list(call.events.values_list("name", flat=True)).count("postrun") == 1 for call in finished)
    redelivered = [call for call in finished if call.events.filter(name="redelivered").exists()]
    assert redelivered, "the calls the dead node was running ran again elsewhere"
    assert {call.node.hostname for call in redelivered} == {a2.name}
    wait_until(lambda: Processor.objects.get(pk=processor.pk).status == Status.RUNNING, timeout=30,
               what="running again on the surviving node", agents=(a2,))
