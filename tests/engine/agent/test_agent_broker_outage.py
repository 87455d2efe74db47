"""A broker outage longer than a worker's connection retries, on a private rabbitmq-server:
the agent and its worker come back on their own (the agent starts the worker again until
the broker answers; by default a worker never stops trying)."""

from __future__ import annotations

import time

import pytest

from apps.calls.models import CallState
from apps.core.models import Status
from apps.engine.dispatch import call_submit
from apps.network.models import Worker
from apps.processors.models import Processor, Socket
from apps.processors.services import processor_request_action
from flowsite.celery import app as celery_app
from tests.engine.agent.helpers import nodes_healthy, wait_until
from tests.fixtures.engine import _broker_switch, call_wait

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

OUTAGE = 15.0  # seconds the broker is down at least: longer than the worker's three attempts (2 + 4 + 6 s)


def test_a_worker_tries_to_reach_its_broker_for_ever_by_default():
    """Celery's own default gives up after 100 attempts (some 45 minutes) and the worker exits;
    a worker with no agent to start it again would stay down."""
    assert celery_app.conf.broker_connection_max_retries is None


@pytest.mark.parametrize("broker_url", ["amqp"], indirect=True)
def test_an_outage_longer_than_the_connection_retries_is_outlived_by_the_worker_and_the_agent(
        start_agent, make_processor, rabbit):
    # Its worker gives up after three attempts (about 12 s): the outage outlasts them.
    agent = start_agent("outlives", cpus=1, BROKER_URL=rabbit.url, BROKER_CONNECTION_MAX_RETRIES="3")
    nodes_healthy(agent)
    processor = make_processor("outlives", concurrency=1)
    processor_request_action(processor=processor, by=None, action="start")
    wait_until(lambda: Processor.objects.get(pk=processor.pk).status == Status.RUNNING, timeout=60,
               what="running", agents=(agent,))
    pid = Worker.objects.get(processor=processor).process
    socket = Socket.objects.get(name="outlives.add_two")
    assert call_wait(call_submit(socket=socket, args=[1, 1], kwargs={}), timeout=30).result == 2

    rabbit.stop()
    down = time.monotonic()
    # The worker gives up on the broker and exits; its agent starts it again, and again.
    wait_until(lambda: "exited (code" in agent.log_path.read_text() and time.monotonic() - down > OUTAGE,
               timeout=OUTAGE + 60, what="an outage longer than the worker's attempts", agents=(agent,))
    rabbit.start()
    _broker_switch(rabbit.url)

    call = call_wait(call_submit(socket=socket, args=[2, 2], kwargs={}), timeout=120)
    assert (call.state, call.result) == (CallState.FINISHED, 4)
    assert Worker.objects.get(processor=processor).process != pid, "a new worker, started by its agent"
    processor_request_action(processor=Processor.objects.get(pk=processor.pk), by=None, action="pause")
    wait_until(lambda: Processor.objects.get(pk=processor.pk).status == Status.PAUSED, timeout=30,
               what="the agent's remote control works again", agents=(agent,))
