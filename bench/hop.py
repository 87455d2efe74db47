"""1. Hop overhead: a run through 10 sockets chained by plugs, end to end, against a raw
Celery chain of 10 no-op tasks on the same broker and the same pool.

Platform: ``call_submit(hop0)`` until hop9's postrun event is on the event stream (the
result recorded, routed and published). Raw: ``chain(step x 10).apply_async()`` until the
last task pushes its finish to a Redis list. Runs go one at a time; each round takes p50
and p95 of its runs, and CPU per call (worker processes and the whole machine).
"""

from __future__ import annotations

import time
import uuid

from celery import chain

from bench.benchstats import latency_stats
from bench.harness import (
    RAW_QUEUE,
    Figure,
    Result,
    cpu_seconds,
    machine_cpu_seconds,
    redis_client,
)
from bench.world import HOPS, StreamWatch, World


def platform_runs(world: World, runs: int) -> dict:
    from apps.engine.dispatch import call_submit

    watch = StreamWatch(redis_client())
    latencies = []
    cpu0, machine0 = cpu_seconds(world.platform.pid), machine_cpu_seconds()
    for _ in range(runs):
        watch.mark()
        started = time.perf_counter()
        call = call_submit(socket=world.sockets["hop0"], args=[1], kwargs={})
        watch.wait(run=str(call.tracking), socket=f"hop{HOPS - 1}")
        latencies.append((time.perf_counter() - started) * 1000)
    calls = runs * HOPS
    return {**latency_stats(latencies), "cpu_ms_per_call": (cpu_seconds(world.platform.pid) - cpu0) * 1000 / calls,
            "machine_cpu_ms_per_call": (machine_cpu_seconds() - machine0) * 1000 / calls}


def raw_runs(world: World, runs: int) -> dict:
    from bench.rawcelery import step

    client = redis_client()
    latencies = []
    cpu0, machine0 = cpu_seconds(world.raw.pid), machine_cpu_seconds()
    for _ in range(runs):
        key = f"bench:signal:{uuid.uuid4().hex}"
        started = time.perf_counter()
        chain(step.s(1), *[step.s() for _ in range(HOPS - 2)], step.s(signal=key)).apply_async(queue=RAW_QUEUE)
        if client.blpop(key, timeout=60) is None:
            raise RuntimeError("a raw chain did not finish within 60 s")
        latencies.append((time.perf_counter() - started) * 1000)
    calls = runs * HOPS
    return {**latency_stats(latencies), "cpu_ms_per_call": (cpu_seconds(world.raw.pid) - cpu0) * 1000 / calls,
            "machine_cpu_ms_per_call": (machine_cpu_seconds() - machine0) * 1000 / calls}


def bench_hop(world: World, *, rounds: int, runs: int) -> Result:
    result = Result(key="hop", title="Hop overhead: 10 sockets chained by plugs, one run at a time",
                    baseline="raw Celery chain of 10 no-op tasks, same broker and pool")
    platform, raw = [], []
    for index in range(rounds):
        order = [("platform", platform_runs), ("raw", raw_runs)]
        for name, runner in order if index % 2 == 0 else order[::-1]:
            (platform if name == "platform" else raw).append(runner(world, runs))
        print(f"  hop round {index + 1}: p50 {platform[-1]['p50']:.1f} vs {raw[-1]['p50']:.1f} ms, "
              f"p95 {platform[-1]['p95']:.1f} vs {raw[-1]['p95']:.1f} ms", flush=True)
    result.details = {"runs_per_round": runs, "platform": platform, "raw": raw}
    result.figures = [
        Figure("run latency p50", "ms", [r["p50"] for r in platform], [r["p50"] for r in raw],
               target="≤ 3x raw", check=lambda _p, ratio: ratio <= 3.0),
        Figure("run latency p95", "ms", [r["p95"] for r in platform], [r["p95"] for r in raw]),
        Figure("per hop p50", "ms", [r["p50"] / HOPS for r in platform], [r["p50"] / HOPS for r in raw]),
        Figure("worker CPU per call", "ms", [r["cpu_ms_per_call"] for r in platform],
               [r["cpu_ms_per_call"] for r in raw]),
    ]
    return result
