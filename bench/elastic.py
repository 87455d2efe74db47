"""8. Elastic capacity: the queue monitor, back pressure and the scaler (issue 12).

- Monitor freshness: the real ``manage.py queue_monitor --interval 1`` process. A message
  is published (``call_submit`` onto a socket with no worker) at a random phase of the
  tick; freshness is the time until the first ``queues`` event of the monitor whose sample
  of that queue counts it as ready (the event is read off the platform's stream, the same
  tick's QueueLog rows are written just before it).
- Monitor cost: ``Monitor.tick`` in-process over the 200 queues of bench/elastic_world.py
  (plus the few others), 20 new calls between ticks; process CPU (time.process_time) per
  tick, and the wall time the tick spends in PostgreSQL queries and in Redis (broker
  counts and the election).
- Back pressure: a queue with ``max_length`` and no consumer. Pause: from the publish that
  filled it to a source's next submission refused with QueueFull. Resume: a plug's
  downstream call held by the full queue (``downstream_submit``, whose publish waits
  in ``room_wait``); a consumer takes messages down to the low watermark; resume is from
  then to the held call's publish.
- Scale-up reaction: the monitor loop (``loop.run``, interval 1 s, with its scaler)
  in-process; a burst lands at a random phase; from the first message's publish to the
  ``scale`` event raising the processor's concurrency.
- Flapping: the pure scaler under a square wave (bench/elastic_square.py).
- On real agents (bench/elastic_agents.py, after the rounds above): the scale-up onto a
  second agent, and the idle capacity given back with the default scaler settings.
"""

from __future__ import annotations

import random
import threading
import time

from bench.benchstats import latency_stats
from bench.elastic_agents import agents_figures, agents_rounds
from bench.elastic_square import square_wave
from bench.elastic_world import (
    BP_LIMIT,
    EventWatch,
    elastic_world_build,
    node_fresh,
    purge,
    queue_sample,
    submit,
)
from bench.harness import PYTHON, Figure, Procs, Result, wait_until

BASELINE = ("no same-run baseline; the anchors (not measured): KEDA and the Kubernetes HPA react in 30 s or "
            "more (metrics polled every 15-30 s), NiFi refreshes its queue counts every 30 s and its "
            "back-pressure limits are soft, Celery's own autoscaler sees only the messages it has prefetched")


def _queue_name(socket) -> str:
    from apps.engine.queues import socket_queue_name

    return socket_queue_name(socket=socket)


# --- 1. freshness ------------------------------------------------------------------------

def freshness_round(world, procs: Procs, *, samples: int, rng: random.Random) -> dict:
    name = _queue_name(world.fresh)
    purge(world.fresh)
    watch = EventWatch()
    watch.mark()
    monitor = procs.start("queue-monitor", [PYTHON, "manage.py", "queue_monitor", "--interval", "1"])
    try:
        watch.wait(lambda e: queue_sample(e, name) is not None, timeout=60, what="the monitor's first sample",
                   alive=monitor.alive)
        latencies = []
        for n in range(1, samples + 1):
            time.sleep(rng.uniform(0, 1.0))
            watch.mark()
            submit(world.fresh, n)
            published = time.perf_counter()
            seen, _ = watch.wait(lambda e, n=n: (queue_sample(e, name) or {}).get("ready", -1) >= n, timeout=15,
                                 what=f"a sample counting message {n}", alive=monitor.alive)
            latencies.append((seen - published) * 1000)
    finally:
        monitor.stop()
        purge(world.fresh)
    return latency_stats(latencies)


# --- 2. monitor cost ---------------------------------------------------------------------

def _timed(fn, bucket: list):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            bucket[0] += time.perf_counter() - started
    return wrapper


def tick_cost_round(world, *, ticks: int, rng: random.Random) -> dict:
    from django.conf import settings
    from django.db import connection

    from apps.engine.monitor.brokers import broker_counter
    from apps.engine.monitor.loop import monitor_from_settings
    from apps.engine.monitor.sampling import DEFAULT_SCOPE

    node_fresh()
    monitor = monitor_from_settings(interval=1.0)
    monitor.counter = broker_counter(settings.CELERY_BROKER_URL)
    db, redis_wall = [0.0], [0.0]
    monitor.counter.counts = _timed(monitor.counter.counts, redis_wall)
    monitor.election.hold = _timed(monitor.election.hold, redis_wall)

    def db_timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            db[0] += time.perf_counter() - started

    cpu, wall, queues = [], [], 0
    try:
        wait_until(lambda: DEFAULT_SCOPE in monitor.tick().held, timeout=15, interval=0.2,
                   what="the in-process monitor to be elected")
        for index in range(ticks + 3):
            for socket in rng.sample(world.many, 20):
                submit(socket)
            db[0] = redis_wall[0] = 0.0
            with connection.execute_wrapper(db_timer):
                cpu0, wall0 = time.process_time(), time.perf_counter()
                result = monitor.tick()
                cpu1, wall1 = time.process_time(), time.perf_counter()
            if index >= 3:  # the first ticks connect, prune and scale the 10 processors once
                cpu.append((cpu1 - cpu0) * 1000)
                wall.append({"wall": (wall1 - wall0) * 1000, "db": db[0] * 1000, "redis": redis_wall[0] * 1000})
                queues = result.sampled
    finally:
        monitor.stop()
        purge(*world.many)
    n = len(cpu)
    if queues < len(world.many):
        raise RuntimeError(f"the monitor sampled {queues} queues, not the {len(world.many)} of the bench")
    return {"cpu_ms": sum(cpu) / n, "cpu_p95_ms": latency_stats(cpu)["p95"],
            "wall_ms": sum(w["wall"] for w in wall) / n, "db_ms": sum(w["db"] for w in wall) / n,
            "redis_ms": sum(w["redis"] for w in wall) / n, "queues": queues, "ticks": n}


# --- 3. back pressure --------------------------------------------------------------------

def pause_trial(world) -> dict:
    from apps.calls.models import Call
    from apps.engine.pressure import QueueFull

    purge(world.bp)
    before = Call.objects.filter(socket=world.bp).count()
    for n in range(BP_LIMIT):
        submit(world.bp, n)
    full = time.perf_counter()  # the publish of the limit-th message has returned
    try:
        submit(world.bp, "one too many")
    except QueueFull:
        refused = time.perf_counter()
    else:
        raise RuntimeError("a source was not refused by a full queue")
    recorded = Call.objects.filter(socket=world.bp).count() - before - BP_LIMIT
    return {"pause_ms": (refused - full) * 1000, "recorded_when_refused": recorded}


def resume_trial(world, *, hold: float) -> dict:
    from django.conf import settings
    from django.db import connection, transaction
    from kombu import Connection

    from apps.engine.dispatch import Delivery, downstream_submit
    from apps.engine.pressure import ready_count
    from apps.engine.queues import kombu_queue
    from apps.engine.recording import running_of
    from apps.engine.topology import PlugSpec, topology

    purge(world.bp)
    parent = submit(world.bp, 0)
    for n in range(1, BP_LIMIT):
        submit(world.bp, n)
    out: dict = {}

    spec = topology().socket(world.bp.pk)
    assert spec is not None
    # As a plug delivers onto the socket's own queue: recorded, then held until there is room.
    onto = PlugSpec(id="", name="bench", target_id=spec.id, argument=None, destination=spec.destination, join_ttl=0)

    def held_producer() -> None:
        try:
            with transaction.atomic():
                downstream_submit(parent=running_of(parent), deliveries=[
                    Delivery(plug=onto, target=spec, args=["held"], kwargs={}, inputs=[parent.pk])])
            out["published"] = time.perf_counter()
        except Exception as error:  # reported by the main thread
            out["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=held_producer, daemon=True)
    thread.start()
    time.sleep(hold)
    if not thread.is_alive():
        raise RuntimeError(f"the downstream call was not held by the full queue: {out}")
    low = min(BP_LIMIT - 1, int(BP_LIMIT * settings.BACKPRESSURE_LOW_WATERMARK))
    with Connection(settings.CELERY_BROKER_URL) as conn:
        queue = kombu_queue(socket=world.bp)(conn.default_channel)
        for _ in range(BP_LIMIT - low):
            if queue.get(no_ack=True) is None:
                raise RuntimeError("the back-pressure queue ran dry")
        drained = time.perf_counter()
    thread.join(timeout=30)
    if "published" not in out:
        raise RuntimeError(f"the held call was not published after the drain: {out.get('error')}")
    after = ready_count(_queue_name(world.bp))
    purge(world.bp)
    return {"resume_ms": (out["published"] - drained) * 1000, "held_s": hold, "ready_after": after, "low": low}


def pressure_round(world, *, trials: int, rng: random.Random) -> dict:
    pauses = [pause_trial(world) for _ in range(trials)]
    resumes = [resume_trial(world, hold=rng.uniform(0.2, 2.0)) for _ in range(trials)]
    return {"pause": latency_stats([p["pause_ms"] for p in pauses]),
            "resume": latency_stats([r["resume_ms"] for r in resumes]),
            "recorded_when_refused": sum(p["recorded_when_refused"] for p in pauses),
            "resume_trials": resumes}


# --- 4. scale-up reaction ----------------------------------------------------------------

def scale_round(world, *, trials: int, burst: int, rng: random.Random) -> dict:
    from django.db import connection

    from apps.engine.monitor.loop import monitor_from_settings, run
    from apps.engine.scaling.services import processor_scale
    from apps.processors.models import Processor

    processor = world.up.processor
    node_fresh()
    processor_scale(processor=processor, to=1, reason="bench: reset")
    monitor, stop = monitor_from_settings(interval=1.0), threading.Event()

    def loop() -> None:
        try:
            run(monitor, interval=1.0, should_stop=stop.is_set)
        finally:
            connection.close()

    watch, latencies, targets = EventWatch(), [], []
    watch.mark()
    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        name = _queue_name(world.up)
        watch.wait(lambda e: queue_sample(e, name) is not None, timeout=15, what="the in-process monitor's sample",
                   alive=thread.is_alive)
        time.sleep(1.5)  # a tick or two more before the first burst: the rate window has a base
        for _ in range(trials):
            node_fresh()
            time.sleep(rng.uniform(0, 1.0))
            watch.mark()
            submit(world.up, 0)
            first = time.perf_counter()
            for n in range(1, burst):
                submit(world.up, n)
            seen, event = watch.wait(
                lambda e: e.get("kind") == "scale" and e.get("processor") == processor.name and e["to"] > e["from"],
                timeout=15, what="a scale-up of the burst's processor", alive=thread.is_alive)
            latencies.append((seen - first) * 1000)
            targets.append(event["to"])
            purge(world.up)
            processor_scale(processor=Processor.objects.get(pk=processor.pk), to=1, reason="bench: reset")
            time.sleep(2.2)  # the scaler's up_settle after its own change
    finally:
        stop.set()
        thread.join(timeout=10)
        purge(world.up)
    return {**latency_stats(latencies), "scaled_to": targets}


# --- the benchmark -----------------------------------------------------------------------

def bench_elastic(procs: Procs, *, rounds: int, fresh_samples: int, ticks: int, pressure_trials: int,
                  scale_trials: int, wave_cycles: int, agent_trials: int, agent_burst: int) -> Result:
    from django.conf import settings

    from apps.engine.scaling.decide import Policy

    result = Result(key="elastic", title="Elastic capacity: queue monitor, back pressure, scaler",
                    baseline=BASELINE)
    world = elastic_world_build()
    policy = Policy(window=settings.SCALER_WINDOW, hold=settings.SCALER_HOLD)
    rows: dict[str, list] = {"fresh": [], "tick": [], "pressure": [], "scale": [], "wave_fast": [], "wave_slow": []}
    for index in range(rounds):
        rng = random.Random(1000 + index)
        rows["fresh"].append(freshness_round(world, procs, samples=fresh_samples, rng=rng))
        rows["tick"].append(tick_cost_round(world, ticks=ticks, rng=rng))
        rows["pressure"].append(pressure_round(world, trials=pressure_trials, rng=rng))
        rows["scale"].append(scale_round(world, trials=scale_trials, burst=10, rng=rng))
        rows["wave_fast"].append(square_wave(period=20, cycles=wave_cycles * 3, seed=index, policy=policy))
        rows["wave_slow"].append(square_wave(period=180, cycles=wave_cycles, seed=index, policy=policy))
        f, t, p, s = rows["fresh"][-1], rows["tick"][-1], rows["pressure"][-1], rows["scale"][-1]
        print(f"  elastic round {index + 1}: freshness p95 {f['p95']:.0f} ms; tick CPU {t['cpu_ms']:.1f} ms "
              f"({t['queues']} queues, wall {t['wall_ms']:.1f}, db {t['db_ms']:.1f}, redis {t['redis_ms']:.1f} ms); "
              f"pause p95 {p['pause']['p95']:.1f} ms, resume p95 {p['resume']['p95']:.0f} ms; "
              f"scale-up p95 {s['p95']:.0f} ms; changes/cycle {rows['wave_fast'][-1]['changes_per_cycle']:.2f} "
              f"(20 s wave), {rows['wave_slow'][-1]['changes_per_cycle']:.2f} (180 s wave)", flush=True)
    rows["agents"] = agents_rounds(procs, rounds=rounds, trials=agent_trials, burst=agent_burst)
    result.figures = _figures(rows) + agents_figures(rows["agents"])
    result.details = {"rounds": rows, "policy": {"window": policy.window, "hold": policy.hold,
                                                 "down_margin": policy.down_margin, "up_settle": policy.up_settle},
                      "back_pressure_limit": BP_LIMIT,
                      "low_watermark": settings.BACKPRESSURE_LOW_WATERMARK}
    result.notes += [
        ("freshness includes the phase of the 1 s tick (a message waits up to one interval for the next "
         "sample): p95 ~ 0.95 x interval + the tick's own time"),
        ("pause: a source's submission checks the queue synchronously (apps.engine.pressure.room_check), "
         "so the first attempt after the queue fills is refused; resume is bounded by room_wait's polling "
         "back-off (20 ms doubling to 500 ms)"),
        ("scale-up, one node is the scaler's decision only (the scale event, current_concurrency written and "
         "placed), in-process; scale-up onto another agent is measured end to end on real agents "
         "(bench/elastic_agents.py): two agents with 1 cpu each, a processor with min 1 and max 2, a burst "
         f"of {agent_burst} one-second calls, until the first call starts on the second agent's worker"),
        (f"idle capacity released: default settings, SCALER_WINDOW {policy.window:g} s, SCALER_HOLD "
         f"{policy.hold:g} s, QUEUE_MONITOR_RATE_WINDOW {settings.QUEUE_MONITOR_RATE_WINDOW} s, down margin "
         f"{policy.down_margin:g}; the last burst of each round is left to the scaler"),
        "200 wires applied in the browser per tick is in the canvas benchmark (bench/canvas_wires.py)",
    ]
    return result


def _figures(rows: dict) -> list[Figure]:
    fresh, tick, pressure, scale = rows["fresh"], rows["tick"], rows["pressure"], rows["scale"]
    return [
        Figure("monitor freshness p95", "ms", [r["p95"] for r in fresh], target="≤ 1500 ms",
               check=lambda p, _r: p <= 1500, note="manage.py queue_monitor --interval 1, publish to sample event"),
        Figure("monitor freshness p50", "ms", [r["p50"] for r in fresh]),
        Figure("monitor CPU per tick, 200 queues", "ms", [r["cpu_ms"] for r in tick], target="≤ 10 ms",
               check=lambda p, _r: p <= 10, note="process CPU of Monitor.tick, mean over the round's ticks"),
        Figure("monitor tick wall time", "ms", [r["wall_ms"] for r in tick]),
        Figure("monitor tick DB + broker wall time", "ms", [r["db_ms"] + r["redis_ms"] for r in tick],
               note="PostgreSQL queries + Redis (counts, election)"),
        Figure("back pressure pause p95", "ms", [r["pause"]["p95"] for r in pressure], target="≤ 1000 ms",
               check=lambda p, _r: p <= 1000, note="queue full -> next source submission refused"),
        Figure("back pressure resume p95", "ms", [r["resume"]["p95"] for r in pressure], target="≤ 1000 ms",
               check=lambda p, _r: p <= 1000, note="drained to the low watermark -> held producer publishes"),
        Figure("refused submissions recorded", "calls", [r["recorded_when_refused"] for r in pressure],
               target="0", check=lambda p, _r: p == 0),
        Figure("scale-up reaction p95, one node", "ms", [r["p95"] for r in scale], target="≤ 2000 ms",
               check=lambda p, _r: p <= 2000, note="burst's first message -> scale event (monitor tick 1 s)"),
        Figure("direction changes per cycle, 180 s square wave", "", [r["changes_per_cycle"] for r in
                                                                      rows["wave_slow"]],
               target="≤ 2", check=lambda p, _r: p <= 2),
        Figure("direction changes per cycle, 20 s square wave", "", [r["changes_per_cycle"] for r in
                                                                     rows["wave_fast"]],
               target="≤ 2", check=lambda p, _r: p <= 2),
    ]
