"""What an agent must do, as pure functions: the diff between what its host should run
(its deployments and their processors' requested status) and the workers it supervises,
and the statuses that follow from what it sees.

Requested status -> worker: READY (never asked), RUNNING and STARTING (restart) run and take
calls; PAUSED runs without taking calls (queued calls wait on the broker); STOPPED and
REMOVED run nothing. A processor with no socket has nothing to serve and runs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from apps.core.models import Status


class Mode(StrEnum):
    RUN = "run"
    PAUSE = "pause"
    OFF = "off"


class Phase(StrEnum):
    STARTING = "starting"  # process started, not ready yet
    READY = "ready"  # connected to the broker; takes calls when consuming
    STOPPING = "stopping"  # retiring: asked to stop, its current calls finish
    CRASHED = "crashed"  # exited on its own; started again at retry_at


@dataclass(frozen=True)
class Wanted:
    """One deployment of this host, as the agent should run it."""

    processor_id: str
    processor_name: str
    deployment_id: str
    cpus: int
    mode: Mode
    restart: bool = False
    idle: bool = False


@dataclass(frozen=True)
class Seen:
    """One supervised worker, as the agent last saw it."""

    processor_id: str
    cpus: int
    phase: Phase
    consuming: bool | None = None  # None: not known (an adopted worker)
    retry_at: float = 0.0


@dataclass(frozen=True)
class Start:
    processor_id: str
    processor_name: str
    cpus: int
    paused: bool


@dataclass(frozen=True)
class Stop:
    processor_id: str


@dataclass(frozen=True)
class Forget:
    """Drop a crashed worker that is no longer wanted."""

    processor_id: str


@dataclass(frozen=True)
class Pause:
    processor_id: str


@dataclass(frozen=True)
class Resume:
    processor_id: str


@dataclass(frozen=True)
class Restarted:
    """The deployment's restart request is being carried out: clear it."""

    deployment_id: str


Action = Start | Stop | Forget | Pause | Resume | Restarted

RUN_REQUESTS = {Status.READY, Status.RUNNING, Status.STARTING}


def wanted_mode(*, requested: str, enabled: bool, has_sockets: bool) -> Mode:
    if not enabled or not has_sockets:
        return Mode.OFF
    if requested in RUN_REQUESTS:
        return Mode.RUN
    return Mode.PAUSE if requested == Status.PAUSED else Mode.OFF


def reconcile(*, wanted: Mapping[str, Wanted], seen: Mapping[str, Seen], now: float) -> list[Action]:
    """Actions that move the supervised workers (``seen``) towards ``wanted``, both keyed by
    processor id. Idempotent: once they are carried out, it returns nothing."""
    actions: list[Action] = []
    for processor_id, worker in seen.items():
        actions.extend(_for_worker(wanted.get(processor_id), worker, now))
    for processor_id, want in wanted.items():
        if processor_id not in seen and want.mode != Mode.OFF:
            actions.append(Start(processor_id, want.processor_name, want.cpus, paused=want.mode == Mode.PAUSE))
            if want.restart:
                actions.append(Restarted(want.deployment_id))
    return actions


def _for_worker(want: Wanted | None, worker: Seen, now: float) -> list[Action]:
    if want is None or want.mode == Mode.OFF:
        return [Forget(worker.processor_id) if worker.phase == Phase.CRASHED else Stop(worker.processor_id)]
    if worker.phase == Phase.CRASHED:
        if want.restart or now >= worker.retry_at:
            start = Start(want.processor_id, want.processor_name, want.cpus, paused=want.mode == Mode.PAUSE)
            return [start, *([Restarted(want.deployment_id)] if want.restart else [])]
        return []
    if want.restart or worker.cpus != want.cpus:
        return [Stop(worker.processor_id), *([Restarted(want.deployment_id)] if want.restart else [])]
    if worker.phase != Phase.READY:
        return []
    if want.mode == Mode.PAUSE and worker.consuming is not False:
        return [Pause(worker.processor_id)]
    if want.mode == Mode.RUN and worker.consuming is not True:
        return [Resume(worker.processor_id)]
    return []


def deployment_status(*, want: Wanted, worker: Seen | None) -> str:
    """The status a deployment has reached, from what its agent sees."""
    if worker is None:
        if want.mode == Mode.OFF:
            return Status.READY if want.idle else Status.STOPPED
        return Status.STARTING
    if worker.phase == Phase.CRASHED:
        return Status.FAILED
    if worker.phase == Phase.READY and worker.consuming is not None:
        return Status.RUNNING if worker.consuming else Status.PAUSED
    return Status.STARTING


# The deployment status each requested processor status is reached at.
TARGETS: dict[str, str] = {
    Status.READY: Status.RUNNING, Status.RUNNING: Status.RUNNING, Status.STARTING: Status.RUNNING,
    Status.PAUSED: Status.PAUSED, Status.STOPPED: Status.STOPPED, Status.REMOVED: Status.STOPPED,
}


def processor_status(*, requested: str, deployments: Iterable[str]) -> str | None:
    """A processor's status from its deployments' statuses; None to leave it as it is."""
    statuses = list(deployments)
    target = TARGETS.get(requested)
    if not statuses:
        return requested if target == Status.STOPPED else None
    if all(status == target for status in statuses):
        return Status.REMOVED if requested == Status.REMOVED else target
    if Status.FAILED in statuses:
        return Status.FAILED
    if Status.STARTING in statuses:
        return Status.STARTING
    return None
