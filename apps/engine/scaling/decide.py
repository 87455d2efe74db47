"""The scaling decision, as a pure function of a processor's recent load.

Service time per slot comes from Little's law over the rate window: W = busy slots
(in flight, capped at the running concurrency, averaged over the window) / completion
rate. The slots needed are (arrival rate + ready / drain_seconds) * W: enough to keep up
with arrivals and drain the ready backlog within the target drain time. Before any call
has completed (W unknown) every call in flight or ready counts as one slot.

Up: as soon as the slots needed exceed the running concurrency, straight to them (one
decision), clamped to [min, max] and to the cpus the network has free. Another scale up
waits ``Policy.up_settle`` seconds (the new workers start meanwhile); waking from zero and
a changed bound apply at once.
Down: the window's highest need, with a margin (``Policy.down_margin``: the hysteresis
that keeps a square wave from flapping), must stay below the running concurrency for two
consecutive windows with no call ready; then ``Policy.hold`` seconds must pass, still with
no call ready. A scale down is one decision too, so a cycle of load changes direction at
most twice. Scale to zero only after two windows with nothing ready, in flight or
arriving; the first message wakes it (up to max(min, 1) at least).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Load:
    """One tick of a processor's queues, summed."""

    at: float  # seconds (monotonic)
    ready: int
    inflight: int
    arrival_rate: float
    completion_rate: float

    @property
    def idle(self) -> bool:
        return self.ready == 0 and self.inflight == 0 and self.arrival_rate == 0


@dataclass(frozen=True)
class Bounds:
    low: int
    high: int
    drain_seconds: float = 30.0
    scale_to_zero: bool = False
    budget: int | None = None  # cpus the processor may hold in its network; None: no limit

    @property
    def ceiling(self) -> int:
        """The most it may run: max, within the cpu budget (never below min)."""
        high = self.high if self.budget is None else min(self.high, self.budget)
        return max(high, self.low, 1)

    def floor(self, *, idle: bool) -> int:
        """The fewest it may run: min (at least 1), or 0 when idle and allowed to."""
        return 0 if idle and self.scale_to_zero else max(self.low, 1)


@dataclass(frozen=True)
class Policy:
    window: float = 10.0  # seconds per down vote
    hold: float = 20.0  # seconds after two agreeing windows before scaling down (settings.SCALER_HOLD)
    down_margin: float = 0.25  # a down vote needs need * (1 + margin) below the running concurrency
    up_settle: float = 2.0  # seconds after a change before another scale up (a new worker starts)


@dataclass
class ScalerState:
    """What the decision remembers between ticks, per processor."""

    loads: deque = field(default_factory=deque)  # the window's Loads
    window_start: float | None = None
    window_need: int = 0  # the window's highest need, margin included
    window_idle: bool = True
    votes: list[int] = field(default_factory=list)  # targets of consecutive down windows
    agreed_at: float | None = None
    last_change: float | None = None
    changes: list[tuple[float, int, int]] = field(default_factory=list)  # (at, from, to), newest last

    def votes_clear(self) -> None:
        self.votes.clear()
        self.agreed_at = None


@dataclass(frozen=True)
class Decision:
    to: int
    reason: str


def service_time(loads, *, current: int) -> float | None:
    """Seconds a slot spends on one call (Little's law over the window); None before any
    call completed."""
    completion = loads[-1].completion_rate
    busy = sum(min(load.inflight, max(current, 1)) for load in loads) / len(loads)
    if completion <= 0 or busy <= 0:
        return None
    return busy / completion


def slots_needed(loads, *, current: int, drain_seconds: float) -> tuple[float, str]:
    """The slots the newest load needs, and how that was found (for the reason)."""
    load = loads[-1]
    seconds = service_time(loads, current=current)
    if seconds is None:
        return float(load.ready + load.inflight), f"{load.ready} ready, {load.inflight} in flight, no service time yet"
    need = (load.arrival_rate + load.ready / max(drain_seconds, 1e-3)) * seconds
    return need, (f"{load.ready} ready, {load.inflight} in flight, {load.arrival_rate:.2f}/s in, "
                  f"{seconds:.2f} s per call, drain {drain_seconds:g} s")


def _ceil(value: float) -> int:
    return math.ceil(value - 1e-9)


def scale_decide(*, state: ScalerState, load: Load, current: int, bounds: Bounds,
                 policy: Policy = Policy()) -> Decision | None:
    """The new running concurrency for ``current``, or None to keep it. Records the load
    (and a change it returns) in ``state``."""
    now = load.at
    state.loads.append(load)
    while state.loads and now - state.loads[0].at > policy.window:
        state.loads.popleft()
    need, why = slots_needed(state.loads, current=current, drain_seconds=bounds.drain_seconds)
    settled = state.last_change is None or now - state.last_change >= policy.up_settle
    decision = _up(load=load, need=need, why=why, current=current, bounds=bounds, settled=settled)
    if decision is None:
        decision = _down(state, load=load, need=need, why=why, current=current, bounds=bounds, policy=policy)
    if decision is not None:
        state.votes_clear()
        state.window_start = None
        state.last_change = now
        state.changes.append((now, current, decision.to))
        del state.changes[:-10]
    return decision


def _up(*, load: Load, need: float, why: str, current: int, bounds: Bounds, settled: bool) -> Decision | None:
    ceiling = bounds.ceiling
    if current > ceiling:
        return Decision(ceiling, f"bounds: {current} -> {ceiling} (max {bounds.high}, cpus free {bounds.budget})")
    floor = bounds.floor(idle=load.idle)
    if current < floor:
        what = "woken by a message" if current == 0 else f"at least the minimum {bounds.low}"
        target = min(max(floor, _ceil(need)), ceiling)
        return Decision(target, f"{what}: {current} -> {target} ({why})")
    target = min(_ceil(need), ceiling)
    if target > current and settled:
        return Decision(target, f"backlog: {current} -> {target} ({why}; max {bounds.high}, "
                                f"cpus free {bounds.budget})")
    return None


def _down(state: ScalerState, *, load: Load, need: float, why: str, current: int, bounds: Bounds,
          policy: Policy) -> Decision | None:
    if load.ready > 0:
        state.votes_clear()
        state.window_start, state.window_need, state.window_idle = load.at, 0, True
        return None
    if state.window_start is None:
        state.window_start, state.window_need, state.window_idle = load.at, 0, True
    state.window_need = max(state.window_need, _ceil(need * (1 + policy.down_margin)))
    state.window_idle = state.window_idle and load.idle
    if load.at - state.window_start >= policy.window:
        target = max(state.window_need, bounds.floor(idle=state.window_idle))
        if target < current:
            state.votes.append(target)
        else:
            state.votes_clear()
        state.window_start, state.window_need, state.window_idle = load.at, 0, True
    if len(state.votes) >= 2 and state.agreed_at is None:
        state.agreed_at = load.at
    if state.agreed_at is None or load.at - state.agreed_at < policy.hold:
        return None
    target = max(state.votes[-2:])
    return Decision(target, f"idle capacity: {current} -> {target} (two {policy.window:g} s windows need "
                            f"{target} or fewer with no call ready, held {policy.hold:g} s; {why})")
