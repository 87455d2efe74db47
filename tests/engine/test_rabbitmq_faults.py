"""A RabbitMQ restart, on a private rabbitmq-server (the shared one serves other sessions):
its durable queues and persistent messages survive it, and every accepted call finishes
once. The outage an agent and its worker outlive is in agent/test_agent_broker_outage.py."""

from __future__ import annotations

import pytest

from apps.calls.models import Call, CallState
from apps.engine.dispatch import call_submit
from apps.processors.models import Socket
from tests.fixtures.engine import _broker_switch, call_wait

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True),
              pytest.mark.parametrize("broker_url", ["amqp"], indirect=True)]

SLEEP = "pyfi.processors.sample.sleep"


def ran_once(call: Call) -> bool:
    return list(call.events.values_list("name", flat=True)).count("postrun") == 1


def test_a_rabbitmq_restart_keeps_its_messages_and_every_call_finishes_once(proc1, start_worker, rabbit):
    worker = start_worker("proc1", concurrency=1, BROKER_URL=rabbit.url)
    sleeper = Socket.objects.get(name=SLEEP)
    calls = [call_submit(socket=sleeper, args=[0.5], kwargs={}) for _ in range(4)]
    call_wait(calls[0], states=[CallState.RUNNING], worker=worker)

    rabbit.stop()  # no sweeper runs here: what is left must come back from the broker's disk
    rabbit.start()
    _broker_switch(rabbit.url)  # the test process's pooled connections died with it
    for call in calls:
        done = call_wait(call, timeout=120, worker=worker)
        assert done.state == CallState.FINISHED and ran_once(done), (done.state, done.error)

