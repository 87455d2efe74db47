"""Direction changes of the pure scaler (apps.engine.scaling.decide.scale_decide) under a
square wave of load: simulated time, one tick a second, nothing else involved.

The load: Poisson arrivals at ``high`` calls/s for half a period, ``low`` for the other
half. The processor: ``current`` slots, each taking ``service`` seconds per call, new slots
at once (an optimistic worker start, which only makes flapping likelier). Rates come over
the last ``rate_window`` seconds the way the monitor's History gives them; a sample sees
the calls that could not be served this tick as ready and ``done x service`` slots busy
(Little's law) as in flight. A direction
change is a decision whose direction (up/down) differs from the previous decision's, the
first decision counting as one (from rest): one up and one down per cycle is 2.
"""

from __future__ import annotations

import math
import random
from collections import deque


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def square_wave(*, period: float, cycles: int, seed: int, high: float = 6.0, low: float = 0.5,
                service: float = 0.5, bounds_high: int = 8, rate_window: float = 10.0, policy=None) -> dict:
    from apps.engine.scaling.decide import (
        Bounds,
        Load,
        Policy,
        ScalerState,
        scale_decide,
    )

    policy = policy or Policy()
    rng = random.Random(seed)
    bounds = Bounds(low=1, high=bounds_high)
    state, current, backlog = ScalerState(), 1, 0.0
    window: deque = deque()  # (t, arrived, done)
    directions: list[int] = []
    decisions = []
    steps = int(period * cycles)
    for t in range(steps):
        rate = high if (t % period) < period / 2 else low
        arrived = _poisson(rng, rate)
        backlog += arrived
        done = min(backlog, current / service)
        backlog -= done
        window.append((t, arrived, done))
        while window and t - window[0][0] >= rate_window:
            window.popleft()
        span = max(len(window), 1)
        busy = done * service  # slots busy on average over the tick (Little's law), rounded at random
        inflight = min(current, int(busy) + (rng.random() < busy - int(busy)))
        load = Load(at=float(t), ready=math.ceil(backlog), inflight=inflight,
                    arrival_rate=sum(w[1] for w in window) / span, completion_rate=sum(w[2] for w in window) / span)
        decision = scale_decide(state=state, load=load, current=current, bounds=bounds, policy=policy)
        if decision is not None:
            directions.append(1 if decision.to > current else -1)
            decisions.append((t, current, decision.to))
            current = decision.to
    changes = sum(1 for i, d in enumerate(directions) if i == 0 or d != directions[i - 1])
    return {"period_s": period, "cycles": cycles, "direction_changes": changes,
            "changes_per_cycle": changes / cycles, "decisions": len(decisions),
            "ups": directions.count(1), "downs": directions.count(-1), "first_decisions": decisions[:6]}
