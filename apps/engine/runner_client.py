"""Platform side of the function runner: start ``runner/runner.py`` in a venv and talk to it.

Stdlib only, no Django. One ``RunnerProcess`` owns at most one child process
at a time and serves one call at a time (calls are serialised by a lock).

Invariants:
- the child's environment is built from scratch: PATH (venv bin + system
  dirs), HOME (a fresh temp dir), LANG, PYTHONPATH=source,
  PYTHONUNBUFFERED=1 and the given secrets; nothing is inherited from
  ``os.environ`` (no DATABASE_URL, SECRET_KEY, broker URLs, ...);
- given a ``RunnerUser`` the child runs as that unprivileged user (its HOME is given
  to it), so it cannot read this process or the platform's private files;
- the child runs in its own session; a timeout or ``close()`` SIGKILLs the
  whole process group, so processes the user's code started die with it;
- after a timeout or a crash the next ``call`` starts a fresh child.
"""

from __future__ import annotations

import collections
import io
import itertools
import json
import os
import re
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, cast

from apps.engine.runner_user import RunnerUser, popen_identity

DEFAULT_MAX_RESULT_BYTES = 1024 * 1024
DEFAULT_MAX_LOG_BYTES = 64 * 1024
BASE_PATH = "/usr/local/bin:/usr/bin:/bin"
RESERVED_ENV = frozenset({"PATH", "HOME", "LANG", "PYTHONPATH", "PYTHONUNBUFFERED"})
STDERR_TAIL_BYTES = 16 * 1024
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class RunnerError(Exception):
    """Base class: the runner process could not serve a call."""


class RunnerTimeout(RunnerError):
    """The call took longer than its timeout; the runner was killed."""


class RunnerCrashed(RunnerError):
    """The runner exited (or broke the protocol) before answering.

    ``exit_code`` is the child's exit status (negative: killed by that
    signal; ``None`` if unknown); ``stderr_tail`` is the end of its stderr.
    """

    def __init__(self, message: str, *, exit_code: int | None, stderr_tail: str) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.stderr_tail = stderr_tail


def runner_script_path() -> Path:
    """Absolute path of the stdlib-only runner script to start in a venv."""
    return Path(__file__).resolve().parent / "runner" / "runner.py"


def runner_env(*, python: Path, source: Path, home: Path, secrets: dict[str, str] | None) -> dict[str, str]:
    """The child's complete environment (see module invariants).

    Raises ``ValueError`` for a secret with an invalid or reserved name or a
    non-string value.
    """
    env = {
        "PATH": f"{Path(python).parent}:{BASE_PATH}",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(source),
        "PYTHONUNBUFFERED": "1",
    }
    for name, value in (secrets or {}).items():
        if not isinstance(name, str) or not _ENV_NAME.match(name):
            raise ValueError(f"secret name {name!r} is not a valid environment variable name")
        if name in RESERVED_ENV:
            raise ValueError(f"secret name {name!r} is reserved by the runner")
        if not isinstance(value, str) or "\x00" in value:
            raise ValueError(f"secret {name!r} must be a string without NUL characters")
        env[name] = value
    return env


class RunnerProcess:
    """A long-lived runner child for one (python, source) pair; started lazily."""

    def __init__(
        self,
        python: Path,
        source: Path,
        secrets: dict[str, str] | None = None,
        *,
        max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES,
        max_log_bytes: int = DEFAULT_MAX_LOG_BYTES,
        start_timeout: float = 30.0,
        user: RunnerUser | None = None,
    ) -> None:
        self.python = Path(python)
        self.user = user
        self.source = Path(source)
        self.secrets = dict(secrets or {})
        runner_env(python=self.python, source=self.source, home=Path("/"), secrets=self.secrets)
        self.max_result_bytes = max_result_bytes
        self.max_log_bytes = max_log_bytes
        self.start_timeout = start_timeout
        self._lock = threading.Lock()
        self._ids = itertools.count(1)  # answers are matched to requests by this id
        self._selector: selectors.BaseSelector | None = None
        self._proc: subprocess.Popen | None = None
        self._home: Path | None = None
        self._buffer = b""
        self._stderr_tail: collections.deque[bytes] = collections.deque()
        self._stderr_thread: threading.Thread | None = None

    # -- public -----------------------------------------------------------

    @property
    def pid(self) -> int | None:
        """Process id of the running child, or ``None`` when none is running."""
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def start(self) -> None:
        """Start the child now if it is not running (``call`` does this lazily).

        Raises ``RunnerCrashed`` if it exits or does not say "ready" in time.
        """
        with self._lock:
            self._ensure_started()

    def call(
        self,
        *,
        module: str,
        function: str,
        args: list[Any] | tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Run ``module.function(*args, **kwargs)`` in the child; return the runner's response.

        The response has ``ok``, ``result``, ``plugs``, ``output``,
        ``metrics``, ``log``, ``duration_ms`` and ``error``; a failing user
        function gives ``ok=False``, not an exception. Raises ``ValueError``
        if the arguments are not JSON-serialisable, ``RunnerTimeout`` after
        ``timeout`` seconds (the child is killed), ``RunnerCrashed`` if the
        child dies before answering.
        """
        request_id = next(self._ids)
        try:
            line = json.dumps(
                {"id": request_id, "module": module, "function": function,
                 "args": list(args), "kwargs": dict(kwargs or {})},
                allow_nan=False,
            )
        except (TypeError, ValueError) as exc:
            raise ValueError(f"arguments for {module}.{function} are not JSON-serialisable: {exc}") from None
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            self._ensure_started()
            self._send(line)
            return self._receive(request_id=request_id, deadline=deadline, what=f"{module}.{function}", timeout=timeout)

    def close(self) -> None:
        """Stop the child: end its input, give it a moment, then kill its process group."""
        with self._lock:
            proc = self._proc
            if proc is not None and proc.poll() is None and proc.stdin is not None:
                try:
                    proc.stdin.close()
                    proc.wait(timeout=2)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            self._stop()

    def __enter__(self) -> RunnerProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- child lifecycle --------------------------------------------------

    def _ensure_started(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            return
        self._stop()
        self._home = Path(tempfile.mkdtemp(prefix="ec-runner-home-"))
        if self.user is not None:
            self.user.own(self._home)
        args = [
            str(self.python), str(runner_script_path()), "--source", str(self.source),
            "--max-result-bytes", str(self.max_result_bytes), "--max-log-bytes", str(self.max_log_bytes),
        ]
        env = runner_env(python=self.python, source=self.source, home=self._home, secrets=self.secrets)
        try:
            self._proc = subprocess.Popen(
                args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                env=env, cwd=str(self.source), start_new_session=True, close_fds=True,
                **popen_identity(self.user),
            )
        except OSError as exc:
            self._stop()
            raise RunnerCrashed(f"could not start the runner with {self.python}: {exc.strerror or exc}",
                                exit_code=None, stderr_tail="") from None
        self._stderr_tail = collections.deque()
        self._stderr_thread = threading.Thread(target=self._drain_stderr, args=(self._proc,), daemon=True)
        self._stderr_thread.start()
        hello = self._read_document(deadline=time.monotonic() + self.start_timeout, during="start-up")
        if not isinstance(hello, dict) or not hello.get("ready"):
            self._crash("the runner sent an unexpected greeting")

    def _stop(self) -> None:
        """Kill the child's process group (if any) and forget all per-child state."""
        proc, self._proc = self._proc, None
        if self._selector is not None:
            self._selector.close()
            self._selector = None
        if proc is not None:
            _kill_group(proc)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            for stream in (proc.stdin, proc.stdout):
                try:
                    if stream is not None:
                        stream.close()
                except OSError:
                    pass
        if self._home is not None:
            shutil.rmtree(self._home, ignore_errors=True)
            self._home = None
        self._buffer = b""

    def _drain_stderr(self, proc: subprocess.Popen) -> None:
        assert proc.stderr is not None
        stderr = cast(io.BufferedReader, proc.stderr)  # a PIPE with Popen's default buffering
        size = 0
        for chunk in iter(lambda: stderr.read1(4096), b""):
            self._stderr_tail.append(chunk)
            size += len(chunk)
            while size > STDERR_TAIL_BYTES and len(self._stderr_tail) > 1:
                size -= len(self._stderr_tail.popleft())
        proc.stderr.close()

    # -- protocol ---------------------------------------------------------

    def _send(self, line: str) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        try:
            self._proc.stdin.write(line.encode("utf-8") + b"\n")
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self._crash("the runner stopped reading requests")

    def _receive(self, *, request_id: int, deadline: float | None, what: str, timeout: float | None) -> dict[str, Any]:
        while True:
            try:
                document = self._read_document(deadline=deadline, during="a call")
            except _Deadline:
                self._stop()
                raise RunnerTimeout(
                    f"{what} did not finish within {timeout:g} s; the runner process was killed"
                ) from None
            if isinstance(document, dict) and document.get("id") == request_id:
                return document

    def _read_document(self, *, deadline: float | None, during: str) -> Any:
        """Next JSON line from the child. Raises ``_Deadline`` or ``RunnerCrashed``."""
        line = self._read_line(deadline=deadline, during=during)
        try:
            return json.loads(line)
        except ValueError:
            self._crash(f"the runner sent an unreadable line during {during}")

    def _read_line(self, *, deadline: float | None, during: str) -> bytes:
        assert self._proc is not None and self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        if self._selector is None:  # one per child (it watches that child's stdout)
            self._selector = selectors.DefaultSelector()
            self._selector.register(fd, selectors.EVENT_READ)
        while b"\n" not in self._buffer:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                if during == "start-up":
                    self._crash(f"the runner did not start within {self.start_timeout:g} s")
                raise _Deadline()
            if not self._selector.select(remaining):
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                self._crash(f"the runner exited during {during}")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def _crash(self, reason: str) -> None:
        """Collect exit code and stderr, clean up, raise ``RunnerCrashed``."""
        proc = self._proc
        exit_code = None
        if proc is not None:
            try:
                exit_code = proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                exit_code = None
        self._stop()
        if self._stderr_thread is not None:
            self._stderr_thread.join(timeout=2)
        tail = b"".join(self._stderr_tail).decode("utf-8", "replace").strip()
        raise RunnerCrashed(
            f"{reason} ({_describe_exit(exit_code)})" + (f":\n{tail[-4000:]}" if tail else ""),
            exit_code=exit_code,
            stderr_tail=tail,
        )


class _Deadline(Exception):
    """Internal: the deadline of a call passed."""


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "exit status unknown"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"
