"""The pure scaling decision: up fast, down slowly, within bounds, no flapping."""

from __future__ import annotations

from collections import deque

from apps.engine.scaling.decide import Bounds, Load, Policy, ScalerState, scale_decide

POLICY = Policy(window=10, hold=30)


def load(at: float, *, ready: int = 0, inflight: int = 0, arrival: float = 0.0, completion: float = 0.0) -> Load:
    return Load(at=at, ready=ready, inflight=inflight, arrival_rate=arrival, completion_rate=completion)


def run(loads, *, current: int, bounds: Bounds, state: ScalerState | None = None):
    """Feed the loads in order, applying each decision; the decisions as (at, to)."""
    state = state or ScalerState()
    decisions = []
    for each in loads:
        decision = scale_decide(state=state, load=each, current=current, bounds=bounds, policy=POLICY)
        if decision is not None:
            decisions.append((each.at, decision.to))
            current = decision.to
    return decisions


def test_a_step_of_load_goes_straight_to_what_is_needed_in_one_decision():
    # 1 s per call (1 busy slot / 1 per second), 4 calls/s arriving, 40 ready to drain in 30 s.
    burst = load(0, ready=40, inflight=1, arrival=4, completion=1)
    decision = scale_decide(state=ScalerState(), load=burst, current=1, bounds=Bounds(1, 8, drain_seconds=30))
    assert decision is not None and decision.to == 6  # ceil((4 + 40 / 30) * 1)
    assert decision.reason.startswith("backlog: 1 -> 6")


def test_before_any_call_completed_each_waiting_call_counts_as_a_slot():
    decision = scale_decide(state=ScalerState(), load=load(0, ready=3, inflight=1), current=1, bounds=Bounds(1, 8))
    assert decision is not None and decision.to == 4
    assert "no service time yet" in decision.reason


def test_the_bounds_and_the_free_cpus_are_respected():
    burst = load(0, ready=500, inflight=2, arrival=50, completion=2)
    assert scale_decide(state=ScalerState(), load=burst, current=2, bounds=Bounds(1, 4)).to == 4
    assert scale_decide(state=ScalerState(), load=burst, current=2, bounds=Bounds(1, 8, budget=3)).to == 3
    # The budget never pushes it below its minimum; a lowered maximum applies at once.
    assert scale_decide(state=ScalerState(), load=burst, current=2, bounds=Bounds(2, 8, budget=0)) is None
    assert scale_decide(state=ScalerState(), load=load(0), current=6, bounds=Bounds(1, 4)).to == 4
    assert scale_decide(state=ScalerState(), load=load(0), current=1, bounds=Bounds(3, 4)).to == 3
    idle = [load(t) for t in range(600)]
    assert run(idle, current=5, bounds=Bounds(2, 8)) == [(50, 2)]


def test_it_scales_down_only_after_two_agreeing_windows_and_the_hold():
    idle = [load(t) for t in range(200)]
    # Windows close at 10 and 20 (two votes), then 30 s of hold.
    assert run(idle, current=4, bounds=Bounds(1, 8)) == [(50, 1)]


def test_it_never_scales_down_while_calls_are_ready():
    # Plenty of capacity (1 call/s of 0.1 s each) but one call always waits (a slow consumer).
    busy = [load(t, ready=1, inflight=1, arrival=1, completion=10) for t in range(600)]
    assert run(busy, current=6, bounds=Bounds(1, 8)) == []
    # A single ready sample restarts the count: windows must agree again, then the hold.
    mixed = [load(t, ready=1 if t == 45 else 0) for t in range(200)]
    assert run(mixed, current=4, bounds=Bounds(1, 8)) == [(45 + 50, 1)]


def test_scale_to_zero_sleeps_when_idle_and_wakes_on_the_first_message():
    bounds = Bounds(1, 4, scale_to_zero=True)
    state = ScalerState()
    assert run([load(t) for t in range(60)], current=2, bounds=bounds, state=state) == [(50, 0)]
    # Nothing arrives: it stays at zero.
    assert run([load(t) for t in range(60, 200)], current=0, bounds=bounds, state=state) == []
    woken = scale_decide(state=state, load=load(200, ready=1), current=0, bounds=bounds)
    assert woken is not None and woken.to == 1 and woken.reason.startswith("woken by a message")
    # Without scale_to_zero it never goes below max(min, 1).
    assert run([load(t) for t in range(300)], current=2, bounds=Bounds(1, 4)) == [(50, 1)]


class Simulation:
    """Calls of ``service`` seconds on ``concurrency`` slots, sampled every second like the
    monitor does (rates over its 10 s window)."""

    def __init__(self, *, service: float, concurrency: int):
        self.service, self.concurrency = service, concurrency
        self.ready, self.running = 0, []  # remaining seconds of each running call
        self.arrived, self.completed = deque(), deque()  # (time, count) within the rate window

    def step(self, at: float, arrivals: int) -> Load:
        self.running = [left - 1 for left in self.running]
        done = sum(1 for left in self.running if left <= 0)
        self.running = [left for left in self.running if left > 0]
        self.ready += arrivals
        while self.ready and len(self.running) < self.concurrency:
            self.ready -= 1
            self.running.append(self.service)
        for window, count in ((self.arrived, arrivals), (self.completed, done)):
            window.append((at, count))
            while window and at - window[0][0] >= 10:
                window.popleft()
        def rate(window):
            return sum(count for _, count in window) / 10
        return load(at, ready=self.ready, inflight=len(self.running), arrival=rate(self.arrived),
                    completion=rate(self.completed))


def direction_changes(decisions: list[tuple[float, int, int]], *, period: float, cycles: int) -> list[int]:
    """Per cycle, how many decisions went the other way from the one before."""
    changes, last = [0] * cycles, 0
    for at, before, after in decisions:
        direction = 1 if after > before else -1
        if direction != last:
            changes[min(int(at // period), cycles - 1)] += 1
        last = direction
    return changes


def square_wave(*, period: int, high: int, cycles: int, bounds: Bounds) -> list[tuple[float, int, int]]:
    state, sim = ScalerState(), Simulation(service=2, concurrency=bounds.low)
    decisions = []
    for t in range(period * cycles):
        arrivals = high if (t % period) < period // 2 else 0
        decision = scale_decide(state=state, load=sim.step(t, arrivals), current=sim.concurrency, bounds=bounds,
                                policy=POLICY)
        if decision is not None:
            decisions.append((t, sim.concurrency, decision.to))
            sim.concurrency = decision.to
    return decisions


def test_a_square_wave_changes_direction_at_most_twice_per_cycle():
    for period in (20, 60, 120, 240):
        decisions = square_wave(period=period, high=3, cycles=6, bounds=Bounds(1, 8))
        changes = direction_changes(decisions, period=period, cycles=6)
        assert max(changes) <= 2, (period, decisions)
        assert decisions and decisions[0][2] > decisions[0][1]  # the first burst scales up
    # A long enough quiet half gives the capacity back each cycle, and takes it again.
    decisions = square_wave(period=240, high=3, cycles=4, bounds=Bounds(1, 8))
    assert direction_changes(decisions, period=240, cycles=4) == [2, 2, 2, 2]
    assert all(to <= 8 for _, _, to in decisions)
