"""The monitor loop: every ``interval`` seconds, hold the scopes it can (election), sample
their queues, write one ``queuelog`` INSERT, publish one live event of what changed, let
the scaler (apps.engine.scaling) resize the processors of those queues, and at most once a
minute delete samples older than the retention."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import redis
from amqp.exceptions import AMQPError
from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from apps.engine.monitor.brokers import AmqpCounter, RedisCounter, broker_counter
from apps.engine.monitor.election import Election
from apps.engine.monitor.health import broker_reachable_note, broker_unreachable_note
from apps.engine.monitor.sampling import (
    DEFAULT_SCOPE,
    History,
    QueueSample,
    sample,
    scope_of,
)
from apps.engine.monitor.services import (
    queuelog_prune,
    queuelog_write,
    samples_changed,
    samples_publish,
)
from apps.engine.monitor.topology import ControlWatch, TargetCache
from apps.engine.outbox import calls_sweep
from apps.engine.scaling.decide import Decision
from apps.engine.scaling.tick import Scaler, scaler_from_settings
from apps.network.models import QueueState

logger = logging.getLogger(__name__)

MIN_INTERVAL, MAX_INTERVAL = 0.5, 5.0
PRUNE_EVERY = 60.0
LOG_EVERY = 30.0  # seconds: unchanged queues are written to queuelog this often
BROKER_ERRORS = (redis.RedisError, KombuOperationalError, AMQPError, OSError)


class BrokerDown(Exception):
    """A tick could not reach the broker (noted for ``flow ls queues`` and the Dashboard)."""


TICK_ERRORS = (*BROKER_ERRORS, DatabaseError, BrokerDown)


def interval_clamp(value: float) -> float:
    return min(MAX_INTERVAL, max(MIN_INTERVAL, float(value)))


@dataclass
class TickResult:
    held: set[str]
    sampled: int = 0
    written: int = 0
    published: int = 0
    pruned: int = 0
    scaled: dict[str, Decision] = field(default_factory=dict)
    resent: dict[str, int] = field(default_factory=dict)  # broker queue -> lost messages sent again


@dataclass
class Monitor:
    broker_url: str
    election: Election
    network_id: str | None = None  # None: every network's queues, and those in none
    retention: float = 3600.0
    history: History = field(default_factory=History)
    published: dict[str, tuple] = field(default_factory=dict)
    held: set[str] = field(default_factory=set)
    counter: RedisCounter | AmqpCounter | None = None
    last_prune: float = float("-inf")
    last_full: float = float("-inf")
    last_sweep: float = float("-inf")
    scaler: Scaler | None = None  # None: sample only
    targets: TargetCache = field(default_factory=TargetCache)  # kept between ticks when given a ttl
    watch: ControlWatch | None = None  # None: nothing kept is trusted between ticks

    def tick(self, *, now: datetime | None = None) -> TickResult:
        now = now or timezone.now()
        spoke = self.watch.changed() if self.watch is not None else True
        targets = self.targets.targets(scopes={scope_of(self.network_id)} if self.network_id else None,
                                       changed=spoke)
        scopes = {scope_of(self.network_id)} if self.network_id else {t.scope for t in targets} | {DEFAULT_SCOPE}
        self.held = self.election.hold(scopes)
        result = TickResult(held=set(self.held))
        mine = [t for t in targets if t.scope in self.held]
        if mine:
            samples = self._sample(mine, now=now)
            changed = samples_changed(samples, self.published)
            result.sampled = len(samples)
            result.written = queuelog_write(samples=self._to_log(samples, changed), at=now)
            samples_publish(samples=changed, at=now)
            result.published = len(changed)
            if self.scaler is not None:
                result.scaled = self.scaler.tick(samples, now=now, changed=spoke)
            if time.monotonic() - self.last_sweep >= settings.SWEEP_SECONDS:
                self.last_sweep = time.monotonic()
                result.resent = calls_sweep(depths=sweep_depths(samples), now=now).resent
        if self.held and time.monotonic() - self.last_prune >= PRUNE_EVERY:
            result.pruned = queuelog_prune(retention=self.retention, now=now)
            self.last_prune = time.monotonic()
        return result

    def _sample(self, targets: list, *, now: datetime) -> list:
        """The broker's figures for ``targets``; BrokerDown when it cannot be reached."""
        try:
            if self.counter is None:
                self.counter = broker_counter(self.broker_url)
            samples = sample(self.counter, targets=targets, history=self.history, now=now)
        except BROKER_ERRORS as error:
            raise BrokerDown(f"The queue monitor cannot reach the broker: {error}") from error
        broker_reachable_note()
        return samples

    def _to_log(self, samples: list, changed: list) -> list:
        """What goes to queuelog: every sample of a Queue row one of whose queues changed, and
        all of them every LOG_EVERY seconds. A change log with a heartbeat: at rest a tick
        writes nothing, and a row's newest tick still holds all of its broker queues."""
        if time.monotonic() - self.last_full >= LOG_EVERY:
            self.last_full = time.monotonic()
            return samples
        rows = {s.target.queue_id for s in changed}
        return [s for s in samples if s.target.queue_id in rows]

    def reset(self) -> None:
        """Forget the broker connection after an error (the next tick opens a new one), and
        the targets (a database error may have come from a change they missed)."""
        self.targets.forget()
        if self.watch is not None:
            self.watch.close()
        if self.counter is not None:
            try:
                self.counter.close()
            except Exception as error:  # the connection is already broken
                logger.debug("queue monitor: closing the broker connection: %s", error)
        self.counter = None

    def stop(self) -> None:
        self.reset()
        if self.held:
            self.election.release(self.held)
            self.held = set()


def sweep_depths(samples: list[QueueSample]) -> dict[str, int]:
    """What the outbox sweeper compares queued calls with: each queue's messages (ready and
    in flight), but not a full or paused queue's (a full one holds its producers' calls
    back on purpose, a paused one is not consumed)."""
    return {s.name: s.ready + s.inflight for s in samples if s.state in (QueueState.OK, QueueState.WARN)}


def monitor_from_settings(*, interval: float, network_id: str | None = None) -> Monitor:
    election = Election(client=redis.Redis.from_url(settings.REDIS_URL), ttl_ms=int(max(1.5, 3 * interval) * 1000))
    return Monitor(broker_url=settings.CELERY_BROKER_URL, election=election, network_id=network_id,
                   retention=settings.QUEUE_MONITOR_RETENTION,
                   history=History(window=settings.QUEUE_MONITOR_RATE_WINDOW), scaler=scaler_from_settings(),
                   targets=TargetCache(ttl=settings.QUEUE_MONITOR_TARGETS_TTL), watch=ControlWatch())


def run(monitor: Monitor, *, interval: float, should_stop: Callable[[], bool]) -> None:
    """Tick until ``should_stop()``. A broker, Redis or database error is logged and the
    tick retried on the next interval; the loop never dies of one."""
    interval = interval_clamp(interval)
    try:
        while not should_stop():
            started = time.monotonic()
            close_old_connections()
            try:
                monitor.tick()
            except TICK_ERRORS as error:
                logger.error("queue monitor tick failed: %s", error)
                if isinstance(error, BrokerDown):
                    broker_unreachable_note(message=str(error))
                monitor.reset()
            _sleep_until(started + interval, should_stop)
    finally:
        monitor.stop()


def _sleep_until(deadline: float, should_stop: Callable[[], bool]) -> None:
    while not should_stop() and (remaining := deadline - time.monotonic()) > 0:
        time.sleep(min(remaining, 0.1))
