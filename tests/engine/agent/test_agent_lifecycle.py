"""An agent's life: a restarted agent adopts the workers it left running (no queued call is
lost) and replaces them with workers it supervises, ``agent_stop`` ends one cleanly and moves
its work, ``agent_stop --kill`` at once."""

from __future__ import annotations

import os
import signal

import psutil
import pytest
from django.core.management import call_command

from apps.calls.models import CallState
from apps.core.models import Status
from apps.engine.dispatch import call_submit
from apps.network.models import Agent, Node, Worker
from apps.processors.models import Processor, Socket
from apps.processors.services import processor_request_action
from tests.engine.agent.helpers import calls_wait, nodes_healthy, placed, standby_warm, wait_until

# What is tested here does not depend on the broker: Redis only, to keep the suite short.
pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True),
              pytest.mark.parametrize("broker_url", ["redis"], indirect=True)]


def running(processor: Processor):
    return lambda: Processor.objects.get(pk=processor.pk).status == Status.RUNNING


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_a_restarted_agent_adopts_its_workers_supervises_them_again_and_loses_no_call(start_agent, make_processor):
    # Slow enough a silence for the agent to come back before its worker gives up on it (watch.py).
    patient = {"AGENT_DOWN_AFTER": "60"}
    first = start_agent("adopter", cpus=2, **patient)
    nodes_healthy(first)
    processor = make_processor("adopted", concurrency=2)
    processor_request_action(processor=processor, by=None, action="start")
    wait_until(running(processor), timeout=60, what="running", agents=(first,))
    left = Worker.objects.get(processor=processor).process
    socket = Socket.objects.get(name="adopted.sleep")
    calls = [call_submit(socket=socket, args=[0.5], kwargs={}) for _ in range(6)]

    os.kill(first.proc.pid, signal.SIGKILL)  # the agent only: its workers keep working
    first.proc.wait(timeout=10)
    second = start_agent("adopter", cpus=2, **patient)
    assert second.name == first.name
    nodes_healthy(second)
    finished = calls_wait(calls, timeout=60, agents=(second,))
    assert [call.state for call in finished] == [CallState.FINISHED] * 6
    # Its node still looks healthy (the first one's heartbeat is recent): wait for its own start.
    wait_until(lambda: "adopted worker" in second.log_path.read_text(), timeout=90, what="adoption logged",
               agents=(second,))

    # The worker it left is replaced by one the new agent started, a child it supervises, and
    # retires; its warm standby is there again.
    own = lambda: Worker.objects.filter(processor=processor, status=Status.RUNNING).exclude(process=left).first()  # noqa: E731
    replacement = wait_until_value(own, what="a worker of the new agent", agents=(second,))
    assert psutil.Process(replacement.process).ppid() == second.proc.pid
    wait_until(lambda: not alive(left), timeout=30, what="the adopted worker retired", agents=(second,))
    standby_warm(second)
    assert any("--standby" in child.cmdline() for child in psutil.Process(second.proc.pid).children())

    # Supervised: its exit is seen with its code and it is started again.
    os.kill(replacement.process, signal.SIGKILL)
    wait_until(lambda: f"(code -{signal.SIGKILL.value})" in second.log_path.read_text(), timeout=15,
               what="the exit code logged", agents=(second,))
    wait_until_value(lambda: Worker.objects.filter(processor=processor, status=Status.RUNNING)
                     .exclude(process__in=[left, replacement.process]).first(),
                     what="the worker started again", agents=(second,))
    wait_until(running(processor), timeout=30, what="running again", agents=(second,))


def wait_until_value(check, *, what: str, agents, timeout: float = 60):
    found = []
    wait_until(lambda: found.append(check()) or found[-1], timeout=timeout, what=what, agents=agents)
    return found[-1]


def test_agent_stop_ends_an_agent_cleanly_and_kill_ends_it_at_once(start_agent, make_processor):
    a1, a2 = start_agent("s1", cpus=4), start_agent("s2", cpus=4)
    nodes_healthy(a1, a2)
    processor = make_processor("moving", concurrency=4)
    processor_request_action(processor=processor, by=None, action="start")
    wait_until(running(processor), timeout=60, what="running on both", agents=(a1, a2))
    a1_workers = [w.process for w in a1.workers()]

    call_command("agent_stop", name=a1.name)
    assert a1.proc.wait(timeout=5) == 0
    assert Agent.objects.get(name=a1.name).status == Status.STOPPED
    assert Node.objects.get(hostname=a1.name).status == Status.DOWN
    assert not any(alive(pid) for pid in a1_workers)
    assert placed(processor) == {a2.name: 4}
    wait_until(running(processor), timeout=30, what="running on the one left", agents=(a2,))

    a2_workers = [w.process for w in a2.workers()]
    call_command("agent_stop", name=a2.name, kill=True)
    assert a2.proc.wait(timeout=5) in (0, -signal.SIGKILL)  # it may hear the command first
    assert Agent.objects.get(name=a2.name).status == Status.STOPPED
    assert Node.objects.get(hostname=a2.name).status == Status.DOWN
    wait_until(lambda: not any(alive(pid) for pid in a2_workers), timeout=5, what="its workers killed")
