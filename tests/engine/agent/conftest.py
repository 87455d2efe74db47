"""Processors on the example repository for real agents to run (``start_agent``, in
tests/fixtures/agents.py). Helpers are in helpers.py."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from apps.engine.mounting import processor_mount
from apps.network.models import Queue
from apps.processors.models import Processor, Socket, TrustedRepository
from apps.processors.services import processor_create
from tests.engine.agent.helpers import TIMINGS
from tests.fixtures.git import EXAMPLE_MODULE


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
