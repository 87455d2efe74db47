"""Each ``flow proc`` verb reaches its state within 2 seconds of being asked, on a real agent."""

from __future__ import annotations

import psutil
import pytest

from apps.calls.models import CallState
from apps.core.models import Status
from apps.engine.dispatch import call_submit
from apps.engine.worker import worker_node_name
from apps.network.models import Worker
from apps.processors.models import Processor, Socket
from apps.processors.services import processor_remove, processor_request_action
from flowsite.celery import app as celery_app
from tests.engine.agent.helpers import TIMINGS, nodes_healthy, standby_warm, wait_until
from tests.fixtures.engine import call_wait

# What is checked here does not depend on the broker: one broker is enough.
pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True),
              pytest.mark.parametrize("broker_url", ["redis"], indirect=True)]

REACTION = 2.0
EXIT = 10.0  # Celery's pool takes a second or two more to exit once it runs nothing

# The last two: a stopped processor asked to pause comes up without taking calls, then resumes.
VERBS = [("pause", Status.PAUSED), ("resume", Status.RUNNING), ("stop", Status.STOPPED),
         ("start", Status.RUNNING), ("restart", Status.RUNNING), ("stop", Status.STOPPED),
         ("pause", Status.PAUSED), ("resume", Status.RUNNING)]


def reached(processor: Processor, status: str, requested: str | None = None):
    def check() -> bool:
        row = Processor.objects.filter(pk=processor.pk).values_list("status", "requested_status").first()
        return row is not None and row[0] == status and (requested is None or row[1] == requested)

    return check


def worker_pid(processor: Processor) -> int | None:
    return Worker.objects.filter(processor=processor).values_list("process", flat=True).first()


def exited(pid: int):
    def check() -> bool:
        try:
            return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return True

    return check


def test_each_proc_verb_takes_effect_within_two_seconds(start_agent, make_processor, broker_url):
    broker = broker_url.split(":")[0]
    agent = start_agent("verbs", cpus=2, standby=2)  # two: less waiting between back-to-back starts
    nodes_healthy(agent)
    processor = make_processor("verbs", concurrency=1)
    processor_request_action(processor=processor, by=None, action="start")
    wait_until(reached(processor, Status.RUNNING), timeout=60, what="first start", agents=(agent,))
    add_two = Socket.objects.get(name="verbs.add_two")

    for verb, status in VERBS:
        before = worker_pid(processor)
        stopped = Processor.objects.get(pk=processor.pk).status == Status.STOPPED
        if verb == "restart" or stopped:
            standby_warm(agent)  # the 2 s are met with a warm standby (a cold start takes 3 to 6 s)
        processor_request_action(processor=Processor.objects.get(pk=processor.pk), by=None, action=verb)
        check = reached(processor, status, requested=Status.RUNNING if verb == "restart" else None)
        if verb == "restart":
            took = wait_until(lambda before=before, check=check:
                              worker_pid(processor) not in (None, before) and check(),
                              timeout=REACTION, what="restart", agents=(agent,))
        else:
            took = wait_until(check, timeout=REACTION, what=verb, agents=(agent,))
        TIMINGS[f"{verb}{' a stopped processor' if stopped else ''} -> {status} ({broker})"] = took
        if verb in ("stop", "restart"):
            wait_until(exited(before), timeout=EXIT, what=f"the old worker exits after {verb}", agents=(agent,))
        if status == Status.RUNNING:
            call = call_wait(call_submit(socket=add_two, args=[1, 2], kwargs={}), timeout=20)
            assert (call.state, call.result) == (CallState.FINISHED, 3)

    pid = worker_pid(processor)
    name = worker_node_name(processor_name=processor.name, hostname=agent.name, pid=pid)
    processor_remove(processor=Processor.objects.get(pk=processor.pk), by=None)
    answers = lambda: celery_app.control.ping(destination=[name], timeout=0.3)  # noqa: E731
    TIMINGS[f"remove -> worker takes no calls ({broker})"] = wait_until(
        lambda: not answers(), timeout=REACTION, what="remove", agents=(agent,))
    wait_until(exited(pid), timeout=EXIT, what="the worker exits after remove", agents=(agent,))
