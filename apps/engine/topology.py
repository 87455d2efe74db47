"""What a call needs to know about where it runs and where its result goes, kept in memory.

A ``SocketSpec`` holds a socket with its task, processor, queue and outgoing plugs, as
plain values. Workers (and the web process, for its submits) read them through
``topology()``, which compares the topology generation (apps.core.topology) once and
forgets every spec when a write bumped it, or when the copy is older than
TOPOLOGY_MAX_AGE seconds (writes that bypass the services, such as the Django admin's).
So the hot path reads no static rows: a call's start, outcome and routing are statements
on the call's own rows only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.conf import settings

from apps.core.topology import topology_generation, topology_local
from apps.engine.queues import Destination, plug_destination, socket_destination
from apps.processors.models import Plug, PlugType, Socket


@dataclass(frozen=True, slots=True)
class PlugSpec:
    """One enabled outgoing plug: where it delivers, and into which argument."""

    id: str
    name: str
    target_id: str
    argument: str | None  # None: the target runs with the value as its one argument
    destination: Destination
    join_ttl: int  # seconds a join of this plug waits for the other arguments


@dataclass(frozen=True, slots=True)
class SocketSpec:
    id: str
    name: str
    task_id: str
    task_name: str
    processor_id: str
    processor_name: str
    module: str
    timelimit: int | None
    retries: int
    retrydelay: int
    destination: Destination  # its own queue: where its source calls go
    flow_version: str | None  # the deployed flow version its calls record (if it still exists then)
    result_plugs: tuple[PlugSpec, ...] = ()
    error_plugs: tuple[PlugSpec, ...] = ()
    bound: frozenset[str] = frozenset()  # its arguments that plugs fill (a join)

    def plugs(self, *, ok: bool) -> tuple[PlugSpec, ...]:
        return self.result_plugs if ok else self.error_plugs


@dataclass
class Topology:
    """One process's copy, valid for one generation."""

    generation: tuple[int, int] | None
    loaded: float = field(default_factory=time.monotonic)
    sockets: dict[str, SocketSpec] = field(default_factory=dict)

    def socket(self, socket_id) -> SocketSpec | None:
        """The socket's spec; None when it does not exist (any more)."""
        key = str(socket_id)
        spec = self.sockets.get(key)
        if spec is None:
            spec = socket_spec_load(socket_id=key)
            if spec is not None:
                self.sockets[key] = spec
        return spec


_current: Topology | None = None


def topology(*, seen: int | None = None) -> Topology:
    """This process's copy, re-read when the generation moved or it grew too old.

    ``seen``: the generation the sender of a call's message had (it rides in the message).
    A copy at least that new serves the call without asking Redis: a call never runs on an
    older topology than the one its sender saw, and a change reaches a run already on its
    way within TOPOLOGY_MAX_AGE (or at once, with the next call sent after it)."""
    global _current
    current = _current
    if (current is not None and seen is not None and current.generation is not None
            and current.generation[0] == topology_local() and current.generation[1] >= seen
            and time.monotonic() - current.loaded <= settings.TOPOLOGY_MAX_AGE):
        return current
    generation = topology_generation()
    if (current is None or generation is None or generation != current.generation
            or time.monotonic() - current.loaded > settings.TOPOLOGY_MAX_AGE):
        current = _current = Topology(generation=generation)
    return current


def topology_seen() -> int | None:
    """The generation this process's copy is of, for the messages it sends (``topology``)."""
    return _current.generation[1] if _current is not None and _current.generation is not None else None


def topology_held() -> Topology:
    """The copy this process holds, without asking for the generation again: for the rest
    of a call whose start just did (``topology``)."""
    return _current or topology()


def topology_forget() -> None:
    """Drop this process's copy (a statement found it stale: a row it names is gone)."""
    global _current
    _current = None


def socket_spec_load(*, socket_id: str) -> SocketSpec | None:
    socket = Socket.objects.select_related("processor", "task", "queue").filter(pk=socket_id).first()
    if socket is None:
        return None
    processor = socket.processor
    plugs = (Plug.objects.filter(source_id=socket.pk, enabled=True)
             .select_related("queue", "argument", "target__queue", "target__processor").order_by("name"))
    specs = [(plug.type, _plug_spec(plug)) for plug in plugs]
    bound = (Plug.objects.filter(target_id=socket.pk, argument__isnull=False, enabled=True)
             .values_list("argument__name", flat=True))
    return SocketSpec(
        id=str(socket.pk), name=socket.name, task_id=str(socket.task_id), task_name=socket.task.name,
        processor_id=str(processor.pk), processor_name=processor.name, module=processor.module,
        timelimit=processor.timelimit, retries=processor.retries, retrydelay=processor.retrydelay,
        destination=socket_destination(socket=socket),
        flow_version=str(socket.flow_version) if socket.flow_version else None,
        result_plugs=tuple(spec for kind, spec in specs if kind == PlugType.RESULT),
        error_plugs=tuple(spec for kind, spec in specs if kind == PlugType.ERROR),
        bound=frozenset(bound),
    )


def _plug_spec(plug: Plug) -> PlugSpec:
    ttl_ms = plug.queue.message_ttl
    return PlugSpec(
        id=str(plug.pk), name=plug.name, target_id=str(plug.target_id),
        argument=plug.argument.name if plug.argument_id and plug.argument else None,
        destination=plug_destination(plug=plug),
        join_ttl=ttl_ms // 1000 if ttl_ms > 0 else settings.JOIN_TTL,
    )
