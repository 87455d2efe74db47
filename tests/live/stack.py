"""Start daphne and the live publisher as real processes for end-to-end tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from django.conf import settings

from apps.core.stack import free_port, port_answers
from apps.engine.events import STREAM_KEY
from apps.live.publisher import GROUP
from tests.fixtures.engine import test_database_url

ROOT = Path(__file__).resolve().parents[2]
MOUNT_SECONDS = 120_000  # ms: a cold mount (clone, venv, install) on a loaded machine
MOUNT_STEPS = ("Cloning the repository", "Creating the environment", "Installing requirements",
               "Reading the functions")
PLATFORM_WORKER = ["-m", "celery", "-A", "flowsite", "worker", "-Q", "elasticcode.platform", "-c", "1",
                   "-n", "platform@tests", "--without-gossip", "--without-mingle"]


def platform_worker_start(start_process, *, redis_url: str):
    """The worker of the platform's own tasks (mounts), as bin/run starts it: with the default
    visibility timeout, since with the tests' 4 s a Redis broker hands a cold mount that is
    still running to the worker again (a second, warm mount restarts the progress shown)."""
    return start_process(PLATFORM_WORKER, REDIS_URL=redis_url, BROKER_VISIBILITY_TIMEOUT="3600")


@dataclass
class LiveStack:
    url: str
    ws_url: str
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)

    def log(self, name: str) -> str:
        return self.logs[name].read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        for proc in self.processes.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.processes.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


def wait_until(check, *, what: str, stack: LiveStack, seconds: float = 30) -> None:
    """Wait for a condition another process makes true, failing with its logs."""
    deadline = time.monotonic() + seconds
    delay = 0.02
    while time.monotonic() < deadline:
        if check():
            return
        for name, proc in stack.processes.items():
            if proc.poll() is not None:
                pytest.fail(f"{name} exited with {proc.returncode}:\n{stack.log(name)}")
        time.sleep(delay)
        delay = min(delay * 2, 0.2)
    pytest.fail(f"{what} within {seconds} s\n" + "\n".join(stack.log(n) for n in stack.processes))


def stack_start(tmp_path: Path, *, redis_url: str, client: redis.Redis, env: dict[str, str] | None = None) -> LiveStack:
    """``env``: more settings for both processes (e.g. the broker a test's workers use)."""
    port = free_port()
    stack = LiveStack(url=f"http://127.0.0.1:{port}", ws_url=f"ws://127.0.0.1:{port}/ws/")
    env = dict(os.environ, DATABASE_URL=test_database_url(), REDIS_URL=redis_url, SECRET_KEY=settings.SECRET_KEY,
               LIVE_SNAPSHOT_SECONDS="1", DJANGO_SETTINGS_MODULE="flowsite.settings", **(env or {}))
    commands = {
        "daphne": [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "flowsite.asgi:application"],
        "publisher": [sys.executable, "manage.py", "live_publisher"],
    }
    for name, argv in commands.items():
        stack.logs[name] = tmp_path / f"{name}.log"
        stack.processes[name] = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=open(stack.logs[name], "wb"), stderr=subprocess.STDOUT,
            start_new_session=True)
    wait_until(lambda: port_answers("127.0.0.1", port, timeout=0.2), what="daphne did not answer", stack=stack)
    wait_until(lambda: _group_ready(client), what="the publisher did not join the stream", stack=stack)
    return stack


def _group_ready(client: redis.Redis) -> bool:
    try:
        return any(group["name"] == GROUP for group in client.xinfo_groups(STREAM_KEY))
    except redis.ResponseError:
        return False
