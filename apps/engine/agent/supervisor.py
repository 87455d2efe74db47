"""The worker processes of one agent: ``manage.py worker`` subprocesses, one per deployment.

Each worker runs in a session of its own, so a Ctrl-C meant for the agent does not reach it
and outlives an agent that is killed. A restarted agent adopts the workers it left: they keep
serving while it starts a worker of its own for each (a child it supervises: exit codes,
restarts), and each adopted one retires once its replacement is ready (or at once when it is
no longer wanted). A worker's watch (watch.py) stops it if no agent comes back.

A new worker is taken from a standby process when one is ready (see standby.py), and a new
standby is started behind it (AGENT_STANDBY of them are kept).

Stopping is a warm shutdown: SIGTERM to the worker's main process makes Celery stop
consuming at once and let its current calls finish. The worker then "retires": it no
longer counts as the deployment's worker (a replacement may start at once) and is killed
if it has not exited after the grace period; calls it still held are acknowledged late, so
they go back to the queue. A worker that exits on its own is started again after a backoff
(1, 2, 4... up to 60 seconds).
"""

from __future__ import annotations

import itertools
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from apps.engine.agent.reconcile import Phase, Seen
from apps.engine.agent.standby import StandbyPool, assignment_line
from apps.engine.worker import worker_node_name

logger = logging.getLogger(__name__)

BASE_DIR = Path(__file__).resolve().parents[3]
MAX_BACKOFF = 60.0


@dataclass
class WorkerHandle:
    processor_id: str
    processor_name: str
    name: str  # its Worker row's name: processor@host
    cpus: int
    pid: int
    popen: subprocess.Popen | None  # None: adopted from an earlier agent
    phase: Phase = Phase.STARTING
    consuming: bool | None = None
    queues: frozenset[str] | None = None  # the socket queues it was last made to consume
    stop_deadline: float = 0.0
    failures: int = 0
    retry_at: float = 0.0
    started: float = field(default_factory=time.monotonic)

    @property
    def node(self) -> str:
        """Its Celery node name (the destination of remote control)."""
        hostname = self.name[len(self.processor_name) + 1:]
        return worker_node_name(processor_name=self.processor_name, hostname=hostname, pid=self.pid)

    def alive(self) -> bool:
        if self.popen is not None:
            return self.popen.poll() is None
        try:
            return psutil.Process(self.pid).status() != psutil.STATUS_ZOMBIE
        except psutil.Error:
            return False

    def seen(self) -> Seen:
        return Seen(self.processor_id, self.cpus, self.phase, self.consuming, self.retry_at)


def worker_command(*, hostname: str, processor_name: str | None = None, cpus: int = 1,
                   paused: bool = False) -> list[str]:
    """``manage.py worker`` for a processor, or a standby one when ``processor_name`` is None.
    The agent's name is its hostname: the worker watches that agent (apps.engine.agent.watch)."""
    argv = [sys.executable, str(BASE_DIR / "manage.py"), "worker", "--hostname", hostname, "--agent", hostname]
    if processor_name is None:
        return [*argv, "--standby"]
    argv += ["--processor", processor_name, "-c", str(cpus)]
    return [*argv, "--paused"] if paused else argv


def is_worker_process(*, pid: int, processor_name: str, hostname: str) -> bool:
    """Whether ``pid`` is a live ``manage.py worker`` of this host for this processor (or a
    standby that was assigned to it): never signal a reused pid."""
    try:
        process = psutil.Process(pid)
        argv = process.cmdline()
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
    except psutil.Error:
        return False
    pairs = set(itertools.pairwise(argv))
    named = ("--processor", processor_name) in pairs or "--standby" in argv
    return "worker" in argv and ("--hostname", hostname) in pairs and named


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


class Supervisor:
    """Starts, watches and stops the workers of the agent named ``hostname``."""

    def __init__(self, *, hostname: str, log_dir: Path, standby: int = 1) -> None:
        self.hostname = hostname
        self.log_dir = log_dir
        self.handles: dict[str, WorkerHandle] = {}
        self.adopted: dict[str, WorkerHandle] = {}  # an earlier agent's, until replaced (by processor id)
        self.retiring: list[WorkerHandle] = []
        self.standby = StandbyPool(size=standby, argv=worker_command(hostname=hostname), cwd=BASE_DIR,
                                   log_path=log_dir / f"worker-standby@{hostname}.log")

    def _log_path(self, name: str) -> Path:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        return self.log_dir / f"worker-{name}.log"

    def start(self, *, processor_id: str, processor_name: str, cpus: int, paused: bool) -> WorkerHandle:
        name = f"{processor_name}@{self.hostname}"
        log = self._log_path(name)
        popen = self.standby.take(assignment=assignment_line(processor=processor_name, concurrency=cpus,
                                                             paused=paused, log=str(log)))
        if popen is None:
            argv = worker_command(hostname=self.hostname, processor_name=processor_name, cpus=cpus, paused=paused)
            with open(log, "ab") as out:
                popen = subprocess.Popen(argv, cwd=BASE_DIR, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        self.standby.ensure()
        previous = self.handles.get(processor_id)
        handle = WorkerHandle(processor_id=processor_id, processor_name=processor_name, name=name, cpus=cpus,
                              pid=popen.pid, popen=popen, consuming=not paused,
                              failures=previous.failures if previous else 0)
        self.handles[processor_id] = handle
        logger.info("started worker %s (pid %s, %s cpus%s)", name, popen.pid, cpus, ", paused" if paused else "")
        return handle

    def adopt(self, *, processor_id: str, processor_name: str, pid: int, cpus: int, ready: bool) -> bool:
        """Take over a worker an earlier agent started, until a worker of this agent replaces
        it (see ``adopted_settle``); False when ``pid`` is not one."""
        if not is_worker_process(pid=pid, processor_name=processor_name, hostname=self.hostname):
            return False
        self.adopted[processor_id] = WorkerHandle(
            processor_id=processor_id, processor_name=processor_name, name=f"{processor_name}@{self.hostname}",
            cpus=cpus, pid=pid, popen=None, phase=Phase.READY if ready else Phase.STARTING,
        )
        logger.info("adopted worker %s@%s (pid %s): it serves until a worker of this agent replaces it",
                    processor_name, self.hostname, pid)
        return True

    def adopted_settle(self, *, wanted: set[str], grace: float) -> None:
        """Retire each adopted worker whose replacement is ready, or that is no longer wanted
        (``wanted``: the processors this host should run)."""
        for processor_id in list(self.adopted):
            replacement = self.handles.get(processor_id)
            if processor_id not in wanted or (replacement is not None and replacement.phase == Phase.READY):
                self._retire(self.adopted.pop(processor_id), grace=grace)

    def stop(self, processor_id: str, *, grace: float) -> None:
        """Warm shutdown: the worker stops taking calls now and retires."""
        handle = self.handles.pop(processor_id, None)
        if handle is None or handle.phase == Phase.CRASHED:
            return
        self._retire(handle, grace=grace)

    def _retire(self, handle: WorkerHandle, *, grace: float) -> None:
        handle.phase, handle.stop_deadline = Phase.STOPPING, time.monotonic() + grace
        try:
            os.kill(handle.pid, signal.SIGTERM)  # the main process only: a warm shutdown
        except ProcessLookupError:
            pass
        self.retiring.append(handle)
        logger.info("stopping worker %s (pid %s)", handle.name, handle.pid)

    def forget(self, processor_id: str) -> None:
        self.handles.pop(processor_id, None)

    def poll(self, now: float) -> list[WorkerHandle]:
        """Notice exits: the handles whose process ended. Retired ones are dropped; the
        others are kept as crashed, to start again after their backoff."""
        ended = []
        for handle in list(self.retiring):
            if handle.alive():
                if now >= handle.stop_deadline:
                    logger.warning("worker %s did not stop in time; killing it", handle.name)
                    _signal_group(handle.pid, signal.SIGKILL)
                continue
            _signal_group(handle.pid, signal.SIGKILL)  # leftovers of its group (pool, runners)
            self.retiring.remove(handle)
            ended.append(handle)
        for handle in self.handles.values():
            if handle.phase != Phase.CRASHED and not handle.alive():
                _signal_group(handle.pid, signal.SIGKILL)
                self._crashed(handle, now)
                ended.append(handle)
        for processor_id, handle in list(self.adopted.items()):
            if not handle.alive():  # not this agent's child: its exit code is not known here
                _signal_group(handle.pid, signal.SIGKILL)
                logger.warning("adopted worker %s (pid %s) exited", handle.name, handle.pid)
                del self.adopted[processor_id]
                ended.append(handle)
        return ended

    def _crashed(self, handle: WorkerHandle, now: float) -> None:
        handle.failures += 1
        handle.phase, handle.consuming = Phase.CRASHED, None
        handle.retry_at = now + min(2.0 ** (handle.failures - 1), MAX_BACKOFF)
        code = handle.popen.returncode if handle.popen else "?"
        logger.warning("worker %s exited (code %s); starting it again in %.0f s", handle.name, code,
                       handle.retry_at - now)

    def transitional(self) -> bool:
        """Whether a worker is starting, retiring or waiting to restart (watch closely)."""
        return bool(self.retiring or self.adopted) or any(h.phase != Phase.READY for h in self.handles.values())

    def stop_all(self, *, grace: float) -> None:
        """Warm-stop every worker; kill those still running after ``grace`` seconds."""
        for processor_id in list(self.handles):
            self.stop(processor_id, grace=grace)
        self.adopted_settle(wanted=set(), grace=grace)
        deadline = time.monotonic() + grace
        while any(h.alive() for h in self.retiring) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.kill_all()

    def kill_all(self) -> None:
        everyone = [*self.handles.values(), *self.adopted.values(), *self.retiring]
        self.standby.kill_all()
        for handle in everyone:
            _signal_group(handle.pid, signal.SIGKILL)
        for handle in everyone:
            if handle.popen is not None:
                try:
                    handle.popen.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
        self.handles.clear()
        self.adopted.clear()
        self.retiring.clear()
