"""The agent processes of this machine: find the one running under a name (by its
registered pid, checked against its command line so a reused pid is never signalled)."""

from __future__ import annotations

import itertools
import os

import psutil

from apps.core.errors import Conflict
from apps.network.selectors import agent_by_name


def is_agent_process(*, pid: int, name: str) -> bool:
    try:
        process = psutil.Process(pid)
        argv = process.cmdline()
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
    except psutil.Error:
        return False
    return "agent" in argv and (("--name", name) in set(itertools.pairwise(argv)) or f"--name={name}" in argv)


def local_agent_pid(*, name: str) -> int | None:
    """The pid of the agent named ``name`` when it runs on this machine."""
    agent = agent_by_name(name=name)
    if agent is None or not agent.pid or agent.pid == os.getpid():
        return None
    return agent.pid if is_agent_process(pid=agent.pid, name=name) else None


def agent_refuse_duplicate(*, name: str) -> None:
    """Raise Conflict when an agent of that name already runs here: two would fight over the
    same workers."""
    pid = local_agent_pid(name=name)
    if pid is not None:
        raise Conflict(f"An agent named '{name}' is already running here (pid {pid}); "
                       f"stop it first (flow agent stop --name {name}) or choose another --name.")
