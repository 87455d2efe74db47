"""Real agents (``manage.py agent``) on this machine, each its own node, on a real broker;
processors on the example repository for them to run. Helpers are in helpers.py."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Callable

import pytest

from apps.engine.mounting import processor_mount
from apps.network.models import Queue
from apps.processors.models import Processor, Socket, TrustedRepository
from apps.processors.services import processor_create
from tests.engine.agent.helpers import DOWN_AFTER, HEARTBEAT, TIMINGS, AgentProcess, agent_env
from tests.fixtures.git import EXAMPLE_MODULE, ROOT


@pytest.fixture
def start_agent(broker_url, tmp_path, settings) -> Callable[..., AgentProcess]:
    """Start ``manage.py agent --name NAME --cpus N`` (a unique name per test; the same name again
    is the same agent restarted, with a log of its own); ``extra_env`` overrides its settings."""
    settings.AGENT_HEARTBEAT, settings.AGENT_DOWN_AFTER = HEARTBEAT, DOWN_AFTER
    started: list[AgentProcess] = []
    suffix = uuid.uuid4().hex[:6]

    def start(name: str, cpus: int = 4, standby: int = 1, queues: bool = False, **extra_env: str) -> AgentProcess:
        name = f"{name}-{suffix}"
        log_path = tmp_path / f"agent-{name}-{len(started)}.log"
        env = {**agent_env(broker_url=broker_url, state_dir=tmp_path / "state"), "AGENT_STANDBY": str(standby),
               **extra_env}
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "agent", "--name", name, "--cpus", str(cpus),
             *(["--queues"] if queues else [])],
            cwd=ROOT, env=env,
            stdout=open(log_path, "wb"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        agent = AgentProcess(name=name, proc=proc, log_path=log_path)
        started.append(agent)
        return agent

    yield start
    for agent in started:  # all at once: none moves its work to another one stopping
        agent.terminate()
    for agent in started:
        agent.stopped()


@pytest.fixture
def make_processor(settings, example_repo_url) -> Callable[..., Processor]:
    """A processor on the example repo with sockets for sleep, add_two and say, mounted once
    here so the agents' workers find their mount warm."""
    settings.ALLOW_FILE_REPOSITORIES = True
    TrustedRepository.objects.get_or_create(name="local", defaults={"pattern": "file://*"})

    def make(name: str, *, concurrency: int, **fields) -> Processor:
        processor = processor_create(by=None, fields={
            "name": name, "gitrepo": example_repo_url, "module": EXAMPLE_MODULE, "branch": "main",
            "concurrency": concurrency, "timelimit": 30, **fields,
        })
        processor_mount(processor=processor)
        # Unique: test sessions running side by side share the brokers.
        queue = Queue.objects.create(name=f"agentq-{name}-{uuid.uuid4().hex[:8]}")
        for function in ("sleep", "add_two", "say"):
            task = processor.tasks.get(name=function)
            Socket.objects.create(name=f"{name}.{function}", processor=processor, task=task, queue=queue)
        return processor

    return make


def pytest_terminal_summary(terminalreporter) -> None:
    if TIMINGS:
        terminalreporter.write_sep("-", "agent reaction times")
        for name, seconds in TIMINGS.items():
            terminalreporter.write_line(f"{name}: {seconds:.2f} s")
