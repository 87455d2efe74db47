"""`flow agent start --queues`: an agent that runs no workers but the queue monitor."""

from __future__ import annotations

import pytest

from apps.engine.dispatch import call_submit
from apps.engine.queues import socket_queue_name
from apps.network.models import Agent, QueueLog, Worker
from apps.processors.models import Socket
from tests.engine.agent.helpers import wait_until

# What is checked here does not depend on the broker: one broker is enough.
pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True),
              pytest.mark.parametrize("broker_url", ["redis"], indirect=True)]


def test_a_queues_agent_samples_the_queues_and_runs_no_worker(start_agent, make_processor, broker_url):
    processor = make_processor("monitored", concurrency=1)
    socket = Socket.objects.get(name="monitored.sleep")
    for _ in range(3):
        call_submit(socket=socket, args=[0], kwargs={})  # nobody consumes them
    agent = start_agent("watcher", cpus=1, queues=True)
    name = socket_queue_name(socket=socket)
    wait_until(lambda: QueueLog.objects.filter(name=name, ready=3).exists(), timeout=30,
               what="the agent's monitor to sample the queue", agents=(agent,))
    assert Agent.objects.get(name=agent.name).monitor_only
    assert not Worker.objects.filter(processor=processor).exists()
    call_submit(socket=socket, args=[0], kwargs={})
    wait_until(lambda: QueueLog.objects.filter(name=name, ready=4).exists(), timeout=15,
               what="the change sampled", agents=(agent,))
