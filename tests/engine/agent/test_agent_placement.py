"""Two agents on this machine, each its own node: BALANCED spreads a processor over both,
EFFICIENT packs it onto one, and calls run where the deployments are."""

from __future__ import annotations

import pytest

from apps.calls.models import Call, CallState
from apps.core.models import Status
from apps.engine.dispatch import call_submit
from apps.network.models import Network, Scheduler, Strategy
from apps.processors.models import Processor, Socket
from apps.processors.services import processor_request_action
from tests.engine.agent.helpers import calls_wait, nodes_healthy, placed, wait_until

# Placement does not depend on the broker (the other agent tests run on both): RabbitMQ
# only, to keep the suite short.
pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True),
              pytest.mark.parametrize("broker_url", ["amqp"], indirect=True)]


def running(processor: Processor):
    return lambda: Processor.objects.get(pk=processor.pk).status == Status.RUNNING


def run_calls(processor: Processor, count: int, agents) -> list[Call]:
    """``count`` calls of sleep(0.4), submitted at once, waited for; all must finish."""
    socket = Socket.objects.get(name=f"{processor.name}.sleep")
    calls = calls_wait([call_submit(socket=socket, args=[0.4], kwargs={}) for _ in range(count)],
                       timeout=60, agents=agents)
    assert {call.state for call in calls} == {CallState.FINISHED}
    return calls


def test_balanced_spreads_and_efficient_packs_and_calls_run_on_both_nodes(start_agent, make_processor):
    a1, a2 = start_agent("a1", cpus=4), start_agent("a2", cpus=4)
    nodes_healthy(a1, a2)

    spread = make_processor("spread", concurrency=4)
    processor_request_action(processor=spread, by=None, action="start")
    assert placed(spread) == {a1.name: 2, a2.name: 2}
    wait_until(running(spread), timeout=60, what="spread running", agents=(a1, a2))
    calls = run_calls(spread, 8, (a1, a2))
    assert {call.node.hostname for call in calls} == {a1.name, a2.name}

    # A stopped processor holds no cpus: both nodes are free again for the packed one.
    processor_request_action(processor=spread, by=None, action="stop")
    packed_network = Network.objects.create(name="packed")
    Scheduler.objects.create(name="packer", network=packed_network, strategy=Strategy.EFFICIENT)
    packed = make_processor("packed", concurrency=4, network=packed_network)
    processor_request_action(processor=packed, by=None, action="start")
    assert placed(packed) == {a1.name: 4}
    wait_until(running(packed), timeout=60, what="packed running", agents=(a1, a2))
    calls = run_calls(packed, 4, (a1, a2))
    assert {call.node.hostname for call in calls} == {a1.name}
