"""A standby worker: a ``manage.py worker --standby`` process that has already paid for
Django's setup and Celery's worker imports, waiting on its stdin for the one processor it
will serve. An agent keeps one ready, so starting a worker takes about a second instead of
several (the time of a mount check and of Celery's own boot).

A standby writes "ready" on its stdout once warm. The agent writes one JSON line on its
stdin: {"processor": name, "concurrency": n, "paused": bool, "log": path}; end of input
without a line (the agent went away) ends the standby.
"""

from __future__ import annotations

import importlib
import json
import os
import select
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from flowsite.celery import app as celery_app

# What ``celery worker`` imports on its way to ready; importing it ahead is the saving.
PRELOAD = (
    "celery.bin.celery", "celery.bin.worker", "celery.apps.worker", "celery.worker.worker",
    "celery.worker.consumer", "celery.worker.control", "celery.concurrency.prefork", "billiard.pool",
    "kombu.transport.redis", "kombu.transport.pyamqp", "apps.engine.tasks", "apps.engine.mounting",
)


READY = b"ready\n"


def standby_preload() -> None:
    """Import what a worker needs, then tell the agent this standby is warm."""
    for module in PRELOAD:
        importlib.import_module(module)
    celery_app.loader.import_default_modules()
    try:
        sys.stdout.write(READY.decode())
        sys.stdout.flush()
    except OSError:  # the agent stopped listening: it already handed this standby its work
        pass


def standby_assignment(stream=None) -> dict[str, Any] | None:
    """Block until the agent names the processor; None when it never will."""
    line = (stream or sys.stdin).readline()
    if not line.strip():
        return None
    spec = json.loads(line)
    if not isinstance(spec, dict) or not isinstance(spec.get("processor"), str):
        raise ValueError(f"not a standby assignment: {line[:200]!r}")
    return spec


def standby_log_to(path: str) -> None:
    """From now on write stdout and stderr to the worker's own log file (appending)."""
    sys.stdout.flush()
    sys.stderr.flush()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(descriptor, 1)
    os.dup2(descriptor, 2)
    os.close(descriptor)


def assignment_line(*, processor: str, concurrency: int, paused: bool, log: str) -> bytes:
    return (json.dumps({"processor": processor, "concurrency": concurrency, "paused": paused, "log": log})
            + "\n").encode()


class StandbyPool:
    """The agent's side: ``size`` standby processes (``argv``), kept topped up. One that is
    warm is taken first; else the oldest, which will be warm soonest."""

    def __init__(self, *, size: int, argv: list[str], cwd: Path, log_path: Path) -> None:
        self.size, self.argv, self.cwd, self.log_path = size, argv, cwd, log_path
        self.spares: list[subprocess.Popen] = []
        self.warm: set[int] = set()

    def ensure(self) -> None:
        self.spares = [spare for spare in self.spares if spare.poll() is None]
        while len(self.spares) < self.size:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.log_path, "ab") as log:
                self.spares.append(subprocess.Popen(self.argv, cwd=self.cwd, stdin=subprocess.PIPE,
                                                    stdout=subprocess.PIPE, stderr=log, start_new_session=True))

    def ready(self) -> int:
        """How many are warm now."""
        for spare in self.spares:
            assert spare.stdout is not None  # every spare is started with stdin and stdout pipes
            if (spare.pid not in self.warm and select.select([spare.stdout], [], [], 0)[0]
                    and spare.stdout.readline() == READY):
                self.warm.add(spare.pid)
        return sum(1 for spare in self.spares if spare.pid in self.warm and spare.poll() is None)

    def take(self, *, assignment: bytes) -> subprocess.Popen | None:
        """Hand ``assignment`` to a standby; the process now serving it (None: none alive)."""
        self.ready()
        self.spares.sort(key=lambda spare: spare.pid not in self.warm)  # warm ones first, stable
        while self.spares:
            spare = self.spares.pop(0)
            self.warm.discard(spare.pid)
            if spare.poll() is not None:
                continue
            assert spare.stdin is not None  # every spare is started with stdin and stdout pipes
            try:
                spare.stdin.write(assignment)
                spare.stdin.close()
            except OSError:
                os.killpg(spare.pid, signal.SIGKILL)
                continue
            return spare
        return None

    def kill_all(self) -> None:
        for spare in self.spares:
            try:
                os.killpg(spare.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            spare.wait(timeout=5)
        self.spares.clear()
        self.warm.clear()
