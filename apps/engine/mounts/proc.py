"""Run helper processes (installers, introspection) with a deadline.

Invariants: arguments are always a list (never a shell string); every child
runs in its own session so a timeout kills its whole process group; output
kept in memory is bounded.
"""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

MAX_LINE_CHARS = 2000


@dataclass
class ProcResult:
    """Outcome of a finished (or killed) process.

    ``returncode`` is ``None`` when the process was killed for the deadline.
    """

    returncode: int | None
    stdout: str = ""
    stderr: str = ""
    tail: list[str] = field(default_factory=list)

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


def proc_kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the process group of ``proc`` (it was started in its own session)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def proc_stream(
    *,
    args: list[str],
    env: dict[str, str],
    cwd: Path | None,
    timeout: float,
    on_line: Callable[[str], None],
    tail_lines: int = 20,
) -> ProcResult:
    """Run ``args``, feeding each line of merged stdout/stderr to ``on_line``.

    Returns the exit code and the last ``tail_lines`` lines. Raises
    ``OSError`` if the program cannot be started.
    """
    proc = subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=cwd,
        start_new_session=True,
    )
    killed = threading.Event()

    def _expire() -> None:
        killed.set()
        proc_kill_group(proc)

    timer = threading.Timer(timeout, _expire)
    timer.daemon = True
    timer.start()
    tail: collections.deque[str] = collections.deque(maxlen=tail_lines)
    try:
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")[:MAX_LINE_CHARS]
            tail.append(line)
            on_line(line)
        returncode = proc.wait()
    finally:
        timer.cancel()
        if proc.poll() is None:
            proc_kill_group(proc)
            proc.wait()
    return ProcResult(returncode=None if killed.is_set() else returncode, tail=list(tail))


def proc_communicate(
    *,
    args: list[str],
    env: dict[str, str],
    cwd: Path | None,
    timeout: float,
    identity: dict | None = None,
) -> ProcResult:
    """Run ``args`` to completion and return its whole stdout and stderr.

    ``identity``: extra ``Popen`` arguments that start it as another user (``RunnerUser``).

    On timeout the process group is killed and ``returncode`` is ``None``.
    Raises ``OSError`` if the program cannot be started.
    """
    proc = subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=cwd,
        start_new_session=True,
        **(identity or {}),
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc_kill_group(proc)
        out, err = proc.communicate()
        return ProcResult(
            returncode=None,
            stdout=out.decode("utf-8", "replace"),
            stderr=err.decode("utf-8", "replace"),
        )
    return ProcResult(
        returncode=proc.returncode,
        stdout=out.decode("utf-8", "replace"),
        stderr=err.decode("utf-8", "replace"),
    )
