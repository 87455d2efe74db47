"""One sample of every socket and plug queue: broker counts, figures from the calls table,
rates over a window of recent ticks, and a state.

The broker queues are those calls are sent on (apps.engine.queues): each socket's own,
and each plug's whose queue is not its target's. A call records the queue it was sent on
(``Call.queue``), so the figures from the calls table are per broker queue.

What comes from where:
- ready: the broker, exactly (apps.engine.monitor.brokers).
- in flight: Redis counts its unacked hash, exactly, prefetched messages included. RabbitMQ
  answers no unacknowledged count over AMQP and its management plugin is not assumed, so
  in flight there is the number of the queue's calls a worker holds: state received,
  running, or retry (a retry waits for its ETA in the worker, unacknowledged). Exact at
  rest with late acknowledgement and ``prefetch_multiplier=1`` (a worker then reserves only
  what its idle processes start at once); a message reserved but not started yet, or whose
  call row is not updated yet, is missed for that instant.
- consumers: RabbitMQ's count; on Redis (no such count) the processor's running workers,
  each one consumer of all its processor's queues.
- arrival rate: calls of the queue created since the window's first tick, per second.
- completion rate: messages that left the queue over the window, per second: backlog
  (ready + in flight) at the window's start, plus arrivals, minus backlog now. It counts
  acknowledged, expired and purged messages alike; it needs one earlier tick (0 before).
- oldest age, when any message is ready: on Redis, seconds since the oldest ready message
  was published (its ``enqueued_at`` header, read by the broker count). Otherwise (RabbitMQ
  cannot read a message in place; a message without the header) seconds since the oldest
  queued call of the queue was created.
- joined: runs whose values wait in a join (apps.engine.routing) of a socket this queue
  carries calls to: a join's call is sent once its last argument arrives.
"""

from __future__ import annotations

import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, models
from django.db.models import Count, Min, Q
from django.utils import timezone

from apps.calls.models import Call, CallState, Join
from apps.core.models import Status
from apps.engine.monitor.brokers import (
    AmqpCounter,
    BrokerCount,
    RedisCounter,
    broker_counter,
)
from apps.engine.queues import broker_queue_name
from apps.network.models import QueueState, Worker
from apps.processors.models import Plug, Socket

WARN_FRACTION = 0.6
HELD_STATES = (CallState.RECEIVED, CallState.RUNNING, CallState.RETRY)
DEFAULT_SCOPE = "default"


def scope_of(network_id) -> str:
    """The election scope of a queue: its network, or the default one for a queue in none."""
    return str(network_id) if network_id else DEFAULT_SCOPE


@dataclass(frozen=True)
class Target:
    """One broker queue: a Queue row's queue for one processor (its sockets share it, and
    so do plugs into them that name no queue of their own)."""

    name: str
    queue_id: Any
    queue: str
    processor_id: Any
    processor: str
    scope: str
    max_length: int
    paused: bool
    sockets: frozenset = frozenset()  # the sockets whose calls it carries
    joins: bool = False  # a plug bound to an argument feeds one of them


@dataclass(frozen=True)
class QueueSample:
    target: Target
    ready: int
    inflight: int
    consumers: int
    arrival_rate: float
    completion_rate: float
    oldest_age: float | None
    state: str
    joined: int = 0

    @property
    def name(self) -> str:
        return self.target.name

    def figures(self) -> tuple:
        """What a change is judged on (rates and age rounded as they are shown)."""
        age = None if self.oldest_age is None else round(self.oldest_age)
        return (self.ready, self.inflight, self.consumers, round(self.arrival_rate, 2),
                round(self.completion_rate, 2), age, self.state, self.joined)

    def event(self) -> dict[str, Any]:
        """Its live form (built by hand: ``asdict`` deep-copies the target, 15 ms a tick for 200)."""
        target = self.target
        return {"name": target.name, "queue": target.queue, "processor": target.processor, "ready": self.ready,
                "inflight": self.inflight, "consumers": self.consumers, "arrival_rate": self.arrival_rate,
                "completion_rate": self.completion_rate, "oldest_age": self.oldest_age, "state": self.state,
                "max_length": target.max_length, "joined": self.joined}


@dataclass
class History:
    """Backlogs of the ticks inside the rate window, oldest first."""

    window: float = 10.0
    ticks: deque = field(default_factory=deque)  # (time, {name: backlog})

    def base(self, now: datetime) -> tuple[datetime, dict[str, int]] | None:
        while self.ticks and (now - self.ticks[0][0]).total_seconds() > self.window:
            self.ticks.popleft()
        return self.ticks[0] if self.ticks else None

    def add(self, now: datetime, samples: list[QueueSample]) -> None:
        self.ticks.append((now, {s.name: s.ready + s.inflight for s in samples}))


def paused(status: str, requested: str) -> bool:
    return Status.PAUSED in (status, requested)


def targets_load(*, scopes: set[str] | None = None) -> list[Target]:
    """Every broker queue some socket or plug sends to, within ``scopes`` (None: all).
    Plain rows, not models: this runs every tick over every socket and plug."""
    found: dict[str, dict[str, Any]] = {}
    sockets = Socket.objects.order_by("queue__name", "processor__name").values_list(
        "pk", "queue_id", "queue__name", "queue__network_id", "queue__max_length", "processor_id",
        "processor__name", "processor__status", "processor__requested_status", "status", "requested_status")
    for (pk, queue_id, queue, network_id, max_length, processor_id, processor, *statuses) in sockets:
        _target_add(found, scopes, queue_id=queue_id, queue=queue, network_id=network_id, max_length=max_length,
                    processor_id=processor_id, processor=processor, socket=pk, paused=paused(*statuses[:2])
                    or paused(*statuses[2:]))
    plugs = Plug.objects.order_by("queue__name").values_list(
        "target_id", "argument_id", "queue_id", "queue__name", "queue__network_id", "queue__max_length",
        "target__queue_id", "target__queue__name", "target__processor_id", "target__processor__name")
    for (socket, argument, queue_id, queue, network_id, max_length, own_id, own, processor_id, processor) in plugs:
        if queue_id == own_id:  # it rides its target's queue
            entry = found.get(broker_queue_name(own, processor))
            if entry is not None and argument is not None:
                entry["joins"] = True
            continue
        like = found.get(broker_queue_name(own, processor), {})
        _target_add(found, scopes, queue_id=queue_id, queue=queue, network_id=network_id, max_length=max_length,
                    processor_id=processor_id, processor=processor, socket=socket,
                    paused=bool(like.get("paused")), joins=argument is not None)
    return [Target(**{**entry, "sockets": frozenset(entry["sockets"])}) for entry in found.values()]


def _target_add(found: dict[str, dict[str, Any]], scopes: set[str] | None, *, queue_id, queue: str, network_id,
                max_length: int, processor_id, processor: str, socket, paused: bool, joins: bool = False) -> None:
    scope = scope_of(network_id)
    if scopes is not None and scope not in scopes:
        return
    name = broker_queue_name(queue, processor)
    entry = found.setdefault(name, {
        "name": name, "queue_id": queue_id, "queue": queue, "processor_id": processor_id, "processor": processor,
        "scope": scope, "max_length": max_length, "paused": False, "sockets": set(), "joins": False})
    entry["paused"] = entry["paused"] or paused
    entry["joins"] = entry["joins"] or joins
    entry["sockets"].add(socket)


def call_figures(targets: list[Target], *, since: datetime,
                 counts: dict[str, BrokerCount]) -> dict[str, dict[str, Any]]:
    """broker queue -> held calls, oldest queued call, calls created since ``since``.

    Arrivals come from one query over every queue, filtered here (building an IN list of 200
    names cost more than the few rows it saves). Held and oldest only for the queues whose
    broker count lacks them (RabbitMQ's in flight; a ready message without its enqueue
    time): on Redis usually none, so no second query."""
    names = {t.name for t in targets}
    arrivals = counts_by(Call, "queue", where="created", above=connection.ops.adapt_datetimefield_value(since))
    figures = {queue: {"held": 0, "oldest": None, "arrived": n} for queue, n in arrivals if queue in names}
    wanting = [t.name for t in targets if counts[t.name].inflight is None
               or (counts[t.name].ready and counts[t.name].oldest_enqueued is None)]
    if wanting:
        rows = Call.objects.filter(state__in=(CallState.QUEUED, *HELD_STATES), queue__in=wanting).values(
            "queue").annotate(held=Count("pk", filter=Q(state__in=HELD_STATES)),
                              oldest=Min("created", filter=Q(state=CallState.QUEUED))).order_by()
        for row in rows:
            figures.setdefault(row["queue"], {"held": 0, "oldest": None, "arrived": 0}).update(
                held=row["held"], oldest=row["oldest"])
    return figures


def joined_runs(targets: list[Target]) -> dict[Any, int]:
    """socket id -> open joins waiting for more of its arguments (one query, only when a
    plug bound to an argument feeds a sampled queue)."""
    sockets = {socket for t in targets if t.joins for socket in t.sockets}
    if not sockets:
        return {}
    rows = Join.objects.filter(target_id__in=sockets).values("target_id").annotate(n=Count("pk")).order_by()
    return {row["target_id"]: row["n"] for row in rows}


def running_workers(targets: list[Target]) -> dict[Any, int]:
    """processor id -> its running workers (every processor's, filtered here: see call_figures)."""
    processors = {t.processor_id for t in targets}
    rows = counts_by(Worker, "processor_id", where="status", equal=Status.RUNNING)
    counted = {value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)): n for value, n in rows if value}
    return {processor: n for processor, n in counted.items() if processor in processors}


def counts_by(model: type[models.Model], column: str, *, where: str, above: Any = None,
              equal: Any = None) -> list[tuple[Any, int]]:
    """``SELECT column, COUNT(*) ... WHERE where > above (or = equal) GROUP BY column`` as
    plain SQL: the ORM compiled these every tick for a few ms of the monitor's CPU. Values
    come as the database returns them (a uuid is a string on SQLite)."""
    quote = connection.ops.quote_name
    condition = model._meta.get_field(where)
    assert isinstance(condition, models.Field) and condition.column
    table, group, field = quote(model._meta.db_table), quote(column), quote(condition.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {group}, COUNT(*) FROM {table} WHERE {field} {'>' if equal is None else '='} %s "
                       f"GROUP BY {group}", [above if equal is None else equal])
        return cursor.fetchall()


def queue_state(*, ready: int, max_length: int, is_paused: bool) -> str:
    if is_paused:
        return QueueState.PAUSED
    if max_length < 0:
        return QueueState.OK
    if ready >= max_length:
        return QueueState.FULL
    return QueueState.WARN if ready >= WARN_FRACTION * max_length else QueueState.OK


def sample(broker: str | RedisCounter | AmqpCounter, *, targets: list[Target] | None = None,
           history: History | None = None, now: datetime | None = None) -> list[QueueSample]:
    """Sample ``targets`` (default: every socket queue). ``broker`` is a URL or a counter
    kept open across ticks; ``history`` carries the rate window across ticks (and gains
    this tick)."""
    if isinstance(broker, str):
        counter = broker_counter(broker)
        try:
            return sample(counter, targets=targets, history=history, now=now)
        finally:
            counter.close()
    targets = targets_load() if targets is None else targets
    history = history if history is not None else History()
    now = now or timezone.now()
    counts = broker.counts([t.name for t in targets])
    base = history.base(now)
    since = base[0] if base else now - timedelta(seconds=history.window)
    span = max((now - since).total_seconds(), 1e-3)
    calls = call_figures(targets, since=since, counts=counts)
    workers = running_workers(targets) if isinstance(broker, RedisCounter) else {}
    joins = joined_runs(targets)
    samples = [_sample_one(t, counts[t.name], calls.get(t.name), workers, base[1] if base else None,
                           span=span, now=now, joined=sum(joins.get(s, 0) for s in t.sockets) if joins else 0)
               for t in targets]
    history.add(now, samples)
    return samples


def _sample_one(target: Target, count: BrokerCount, calls: dict | None, workers: dict, base: dict | None, *,
                span: float, now: datetime, joined: int = 0) -> QueueSample:
    calls = calls or {"held": 0, "oldest": None, "arrived": 0}
    inflight = count.inflight if count.inflight is not None else calls["held"]
    backlog = count.ready + inflight
    departed = 0
    if base is not None and target.name in base:
        departed = max(0, base[target.name] + calls["arrived"] - backlog)
    return QueueSample(
        target=target, ready=count.ready, inflight=inflight,
        consumers=count.consumers if count.consumers is not None else workers.get(target.processor_id, 0),
        arrival_rate=calls["arrived"] / span, completion_rate=departed / span,
        oldest_age=oldest_age(count, calls["oldest"], now=now),
        state=queue_state(ready=count.ready, max_length=target.max_length, is_paused=target.paused),
        joined=joined,
    )


def oldest_age(count: BrokerCount, oldest_call: datetime | None, *, now: datetime) -> float | None:
    """Seconds the oldest ready message waited: by its enqueue time when the broker read it,
    else by the oldest queued call; None when nothing is ready."""
    if not count.ready:
        return None
    if count.oldest_enqueued is not None:
        return max(0.0, now.timestamp() - count.oldest_enqueued)
    return max(0.0, (now - oldest_call).total_seconds()) if oldest_call else None
