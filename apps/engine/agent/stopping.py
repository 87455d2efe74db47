"""Stop or kill an agent by name (``flow agent stop|kill``), on this machine or another.

The command goes over the control channel, so an agent anywhere hears it; on this machine
the agent is also signalled directly. ``stop`` lets its workers finish their current calls;
``kill`` ends the agent and its workers at once (their calls go back to the queue: they are
acknowledged late). Either way its node is marked down and its deployments move to healthy
nodes.
"""

from __future__ import annotations

import os
import signal
import time

import psutil

from apps.core.errors import NotFound, Unavailable
from apps.core.models import Status
from apps.engine.agent.failover import placements_repair, processors_on
from apps.engine.agent.local import local_agent_pid
from apps.engine.agent.state import processor_status_refresh
from apps.engine.agent.supervisor import is_worker_process
from apps.network.models import Agent, Worker
from apps.network.nodes import agent_stopped
from apps.network.notify import control_publish
from apps.network.selectors import agent_by_name


def agent_stop(*, name: str, kill: bool = False, timeout: float = 20.0) -> str:
    """Ask the agent ``name`` to stop (or kill it); its status once it has ended.

    Raises NotFound for an unknown agent and Unavailable when it has not ended in time.
    """
    agent = agent_by_name(name=name)
    if agent is None:
        raise NotFound(f"No agent named '{name}'.")
    pid = local_agent_pid(name=name)
    control_publish({"agent": name, "command": "kill" if kill else "stop"})
    if pid is not None and kill:
        _kill_here(agent=agent, pid=pid)
    elif pid is not None:
        os.kill(pid, signal.SIGTERM)
    return _ended(agent=agent, pid=pid, timeout=timeout)


def _kill_here(*, agent: Agent, pid: int) -> None:
    """SIGKILL the agent, then its workers' process groups; then do what it no longer can."""
    os.kill(pid, signal.SIGKILL)
    for worker in Worker.objects.filter(hostname=agent.hostname).exclude(process=None).select_related("processor"):
        if worker.process is None:  # excluded by the query
            continue
        if is_worker_process(pid=worker.process, processor_name=worker.processor.name, hostname=agent.hostname):
            try:
                os.killpg(worker.process, signal.SIGKILL)
            except ProcessLookupError:
                pass
    affected = processors_on(hostnames=[agent.hostname])
    agent_stopped(agent=agent)
    placements_repair()
    for processor_id in affected:
        processor_status_refresh(processor_id=processor_id)


def _ended(*, agent: Agent, pid: int | None, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = Agent.objects.filter(pk=agent.pk).values_list("status", flat=True).first()
        if status != Status.RUNNING and (pid is None or not psutil.pid_exists(pid) or _zombie(pid)):
            return status or Status.REMOVED
        time.sleep(0.2)
    raise Unavailable(f"The agent '{agent.name}' did not stop within {timeout:.0f} s.")


def _zombie(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.Error:
        return True
