"""What the elected queue monitor runs after each sample: one decision per scalable
processor whose queues it sampled, and the change applied when there is one."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError

from apps.engine.agent.reconcile import RUN_REQUESTS
from apps.engine.monitor.sampling import QueueSample
from apps.engine.scaling.decide import (
    Bounds,
    Decision,
    Load,
    Policy,
    ScalerState,
    scale_decide,
)
from apps.engine.scaling.services import processor_scale
from apps.network.selectors import CpuSnapshot, cpu_snapshot
from apps.processors.models import Processor

logger = logging.getLogger(__name__)


def load_of(samples: list[QueueSample], *, at: float) -> Load:
    """A processor's queues summed (its workers consume them all)."""
    return Load(at=at, ready=sum(s.ready for s in samples), inflight=sum(s.inflight for s in samples),
                arrival_rate=sum(s.arrival_rate for s in samples),
                completion_rate=sum(s.completion_rate for s in samples))


def scalable(processor: Processor) -> bool:
    """Whether the scaler has a choice: bounds apart or scale to zero (else the running
    concurrency is the bounds' one value), and asked to run."""
    low, high = processor.concurrency_bounds
    return processor.enabled and processor.requested_status in RUN_REQUESTS and (low != high or processor.scale_to_zero)


# What deciding reads (processor_scale re-reads the row it changes): loading only these
# halves the cost of the processors' query, run every monitor tick.
SCALER_FIELDS = ("name", "enabled", "requested_status", "concurrency", "min_concurrency", "max_concurrency",
                 "current_concurrency", "scale_to_zero", "drain_seconds", "hostname", "network")


@dataclass
class Rows:
    """The processor rows and cpus a tick decides on, kept for ``ttl`` seconds while the
    control channel is silent (apps.engine.monitor.topology): a processor's status, bounds,
    placement and a node going up or down each send a message."""

    ttl: float = 0.0  # 0: read every tick
    processors: list[Processor] = field(default_factory=list)
    cpus: CpuSnapshot | None = None
    ids: frozenset[str] = frozenset()
    read: float = float("-inf")

    def fresh(self, ids: frozenset[str], *, changed: bool) -> tuple[list[Processor], CpuSnapshot | None]:
        if changed or ids != self.ids or time.monotonic() - self.read >= self.ttl:
            self.processors = [p for p in Processor.objects.filter(pk__in=list(ids)).only(*SCALER_FIELDS)
                               if scalable(p)]
            self.cpus = cpu_snapshot() if self.processors else None
            self.ids, self.read = ids, time.monotonic()
        return self.processors, self.cpus

    def forget(self) -> None:
        self.read = float("-inf")


@dataclass
class Scaler:
    policy: Policy = field(default_factory=Policy)
    states: dict[str, ScalerState] = field(default_factory=dict)
    rows: Rows = field(default_factory=Rows)

    def tick(self, samples: list[QueueSample], *, now: datetime, changed: bool = True) -> dict[str, Decision]:
        """Decide for every processor of ``samples`` (paused queues excepted); apply and
        return the changes, by processor name. ``changed``: the control channel spoke since
        the last tick (the rows kept are read again)."""
        grouped: dict[str, list[QueueSample]] = defaultdict(list)
        for sample in samples:
            if not sample.target.paused:
                grouped[str(sample.target.processor_id)].append(sample)
        processors, cpus = self.rows.fresh(frozenset(grouped), changed=changed)
        for stale in set(self.states) - {str(p.pk) for p in processors}:
            del self.states[stale]
        changes = {}
        for processor in processors:
            decision = self._decide(processor, load_of(grouped[str(processor.pk)], at=now.timestamp()), cpus)
            if decision is not None and self._apply(processor, decision):
                changes[processor.name] = decision
        if changes:
            self.rows.forget()  # what it just wrote, and the cpus it took, are read next tick
        return changes

    def _decide(self, processor: Processor, load: Load, cpus: CpuSnapshot | None) -> Decision | None:
        budget = cpus.free_for(processor) if cpus else None
        if budget is None:
            return None
        low, high = processor.concurrency_bounds
        bounds = Bounds(low=low, high=high, drain_seconds=processor.drain_seconds,
                        scale_to_zero=processor.scale_to_zero, budget=budget)
        state = self.states.setdefault(str(processor.pk), ScalerState())
        return scale_decide(state=state, load=load, current=processor.running_concurrency, bounds=bounds,
                            policy=self.policy)

    def _apply(self, processor: Processor, decision: Decision) -> bool:
        try:
            processor_scale(processor=processor, to=decision.to, reason=decision.reason)
        except (ValidationError, DatabaseError, Processor.DoesNotExist) as error:
            logger.error("scaling %s to %s failed: %s", processor.name, decision.to, error)
            return False
        logger.info("scaled %s: %s", processor.name, decision.reason)
        return True


def scaler_from_settings() -> Scaler:
    return Scaler(policy=Policy(window=settings.SCALER_WINDOW, hold=settings.SCALER_HOLD),
                  rows=Rows(ttl=settings.QUEUE_MONITOR_TARGETS_TTL))
