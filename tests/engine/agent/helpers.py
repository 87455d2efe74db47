"""Helpers for the agent tests: agent processes, and waits that poll the database (the
source of truth) until a state is reached, failing with the agents' logs.

Heartbeats are fast here (AGENT_HEARTBEAT=1, AGENT_DOWN_AFTER=3) so failover is quick to see.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from apps.calls.models import FINAL_STATES, Call
from apps.engine.agent.supervisor import is_worker_process
from apps.network.models import Worker
from apps.network.selectors import healthy_nodes
from apps.processors.models import Processor
from tests.fixtures.engine import test_database_url

HEARTBEAT, DOWN_AFTER = 1, 3
TIMINGS: dict[str, float] = {}  # reaction times, printed in the terminal summary


@dataclass
class AgentProcess:
    name: str
    proc: subprocess.Popen
    log_path: Path

    def workers(self) -> list[Worker]:
        return list(Worker.objects.filter(hostname=self.name).exclude(process=None).select_related("processor"))

    def kill_with_workers(self) -> None:
        """SIGKILL the agent and every worker it runs: the machine died."""
        workers = self.workers()
        os.killpg(self.proc.pid, signal.SIGKILL)
        for worker in workers:
            if is_worker_process(pid=worker.process, processor_name=worker.processor.name, hostname=self.name):
                os.killpg(worker.process, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def terminate(self) -> None:
        """Ask it to stop (SIGTERM), as ``flow agent stop`` does on its machine."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)

    def stopped(self) -> None:
        """Wait for it to end (killing it after 20 s) and leave no worker of it behind."""
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
        for worker in self.workers():
            if is_worker_process(pid=worker.process, processor_name=worker.processor.name, hostname=self.name):
                os.killpg(worker.process, signal.SIGKILL)

    def log(self) -> str:
        text = self.log_path.read_text(errors="replace")[-4000:]
        workers = "".join(f"\n--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
                          for p in sorted(self.log_path.parent.glob(f"state/logs/worker-*@{self.name}.log")))
        return text + workers


def agent_env(*, broker_url: str, state_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": test_database_url(), "BROKER_URL": broker_url, "REDIS_URL": settings.REDIS_URL,
        "ALLOW_FILE_REPOSITORIES": "1", "BROKER_VISIBILITY_TIMEOUT": "4", "BROKER_RESTORE_INTERVAL": "1",
        "MOUNT_ROOT": str(settings.MOUNT_ROOT), "SECRET_KEY": settings.SECRET_KEY,
        "ENCRYPTION_KEY": settings.ENCRYPTION_KEY,
        "AGENT_HEARTBEAT": str(HEARTBEAT), "AGENT_DOWN_AFTER": str(DOWN_AFTER),
        "ELASTICCODE_STATE_DIR": str(state_dir),
    })
    return env


def wait_until(check: Callable[[], object], *, timeout: float, what: str,
               agents: tuple[AgentProcess, ...] = ()) -> float:
    """Poll ``check`` until it is true; the seconds it took. Fails with the agents' logs."""
    started = time.monotonic()
    delay = 0.02
    while time.monotonic() - started < timeout:
        if check():
            return time.monotonic() - started
        time.sleep(delay)
        delay = min(delay * 1.5, 0.1)
    logs = "\n".join(f"===== {agent.name}\n{agent.log()}" for agent in agents)
    pytest.fail(f"{what}: not within {timeout} s\n{logs}")


def nodes_healthy(*agents: AgentProcess, timeout: float = 30) -> None:
    names = {agent.name for agent in agents}
    wait_until(lambda: names <= set(healthy_nodes().values_list("hostname", flat=True)),
               timeout=timeout, what=f"nodes {sorted(names)} healthy", agents=agents)


def placed(processor: Processor) -> dict[str, int]:
    return dict(processor.deployments.values_list("hostname", "cpus"))


def calls_wait(calls: list, *, timeout: float, agents: tuple[AgentProcess, ...] = ()) -> list:
    """Wait until every call has ended; the calls, refreshed. Fails with the agents' logs."""
    ids = [call.pk for call in calls]
    pending = lambda: Call.objects.filter(pk__in=ids).exclude(state__in=FINAL_STATES).count()  # noqa: E731
    wait_until(lambda: pending() == 0, timeout=timeout, what=f"{len(ids)} calls ended", agents=agents)
    by_id = Call.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids]


def standby_warm(agent: AgentProcess, *, timeout: float = 30) -> None:
    """Wait until the agent says a standby worker is warm (so a start takes the fast path)."""
    def warm() -> bool:
        counts = re.findall(r"standby workers warm: (\d+) of", agent.log_path.read_text(errors="replace"))
        return bool(counts) and int(counts[-1]) > 0

    wait_until(warm, timeout=timeout, what="a standby worker warm", agents=(agent,))
