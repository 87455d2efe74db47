"""3. Joins: runs of a two-argument join. j.one and j.two (echo) each feed one argument of
j.add (add_two) through a bound plug; j.add runs once per run when both have arrived.

Throughput: N runs submitted while the worker does not consume, then drained (3 calls a
run). Latency: runs one at a time, from submitting both sources until j.add's postrun is
on the event stream. Baseline: a Celery chord, two no-op tasks then a callback.
"""

from __future__ import annotations

import time
import uuid

from celery import chord

from bench.benchstats import latency_stats
from bench.harness import RAW_QUEUE, Figure, Result, redis_client
from bench.throughput import drained
from bench.world import PLATFORM_QUEUE, StreamWatch, World


def _platform_pair(world: World, index: int) -> uuid.UUID:
    from apps.engine.dispatch import call_submit

    tracking = uuid.uuid4()
    pair = [("j.one", index), ("j.two", 1000 * index)]
    for name, value in pair if index % 2 else pair[::-1]:
        call_submit(socket=world.sockets[name], args=[value], kwargs={}, tracking=tracking)
    return tracking


def platform_round(world: World, runs: int, latency_runs: int) -> dict:
    from apps.calls.models import Call, Join
    from flowsite.celery import app

    trackings: list[uuid.UUID] = []
    figures = drained(app=app, worker=world.platform_node, queue=PLATFORM_QUEUE, proc=world.platform,
                      submit=lambda: trackings.extend(_platform_pair(world, i) for i in range(runs)),
                      count=runs)
    adds = dict(Call.objects.filter(socket=world.sockets["j.add"], tracking__in=trackings, state="finished")
                .values_list("tracking", "result"))
    if len(adds) != runs or Join.objects.filter(tracking__in=trackings).exists():
        raise RuntimeError(f"joins: {len(adds)} of {runs} runs joined")
    watch = StreamWatch(redis_client())
    latencies = []
    for index in range(latency_runs):
        watch.mark()
        started = time.perf_counter()
        tracking = _platform_pair(world, index)
        watch.wait(run=str(tracking), socket="j.add")
        latencies.append((time.perf_counter() - started) * 1000)
    return {**figures, **latency_stats(latencies)}


def _raw_chord(index: int, key: str | None = None):
    from bench.rawcelery import join, part

    return chord([part.s(index), part.s(1000 * index)], join.s(signal=key)).apply_async(queue=RAW_QUEUE)


def raw_round(world: World, runs: int, latency_runs: int) -> dict:
    from bench.rawcelery import app

    figures = drained(app=app, worker="raw@bench", queue=RAW_QUEUE, proc=world.raw,
                      submit=lambda: [_raw_chord(i) for i in range(runs)], count=runs)
    client = redis_client()
    latencies = []
    for index in range(latency_runs):
        key = f"bench:signal:{uuid.uuid4().hex}"
        started = time.perf_counter()
        _raw_chord(index, key)
        if client.blpop(key, timeout=60) is None:
            raise RuntimeError("a raw chord did not finish within 60 s")
        latencies.append((time.perf_counter() - started) * 1000)
    return {**figures, **latency_stats(latencies)}


def bench_joins(world: World, *, rounds: int, runs: int, latency_runs: int) -> Result:
    result = Result(key="joins", title=f"Joins: {rounds} x {runs:,} runs of a two-argument join (3 calls a run)",
                    baseline="Celery chord: 2 no-op tasks and a callback, same broker and pool")
    platform, raw = [], []
    for index in range(rounds):
        order = [("platform", platform_round), ("raw", raw_round)]
        for name, runner in order if index % 2 == 0 else order[::-1]:
            (platform if name == "platform" else raw).append(runner(world, runs, latency_runs))
        print(f"  joins round {index + 1}: {platform[-1]['per_s']:.0f} vs {raw[-1]['per_s']:.0f} runs/s, "
              f"p50 {platform[-1]['p50']:.1f} vs {raw[-1]['p50']:.1f} ms", flush=True)
    result.details = {"runs_per_round": runs, "latency_runs_per_round": latency_runs,
                      "platform": platform, "raw": raw}
    result.figures = [
        Figure("join throughput", "runs/s", [r["per_s"] for r in platform], [r["per_s"] for r in raw],
               higher_is_better=True, target="≥ 0.4x raw chord", check=lambda _p, ratio: ratio >= 0.4),
        Figure("run latency p50", "ms", [r["p50"] for r in platform], [r["p50"] for r in raw]),
        Figure("run latency p95", "ms", [r["p95"] for r in platform], [r["p95"] for r in raw]),
        Figure("worker CPU per run", "ms", [r["cpu_ms_per_call"] for r in platform],
               [r["cpu_ms_per_call"] for r in raw], note="3 calls a run (2 sources and the join)"),
    ]
    return result
