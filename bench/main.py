"""Run every benchmark (or some) and write bench/results.json and bench/results.md.

    bench/run                 # the full run, 5 interleaved rounds (~15 min)
    bench/run --quick         # a smoke run (fewer rounds, smaller counts)
    bench/run --only hop,throughput --rounds 3
    bench/run --only soak --soak-minutes 5          # the soak (not in the full run; 30 min by default)
"""

from __future__ import annotations

import argparse
import os
import platform as pyplatform
import statistics
import sys
import time
import traceback
from pathlib import Path

from bench import harness

BENCHES = ("hop", "throughput", "joins", "live", "api", "canvas", "mount", "memory", "elastic")
EXTRA = ("soak",)  # run only when named: bench/run --only soak (30 minutes by default)
WORKER_BENCHES = {"hop", "throughput", "joins", "memory"}


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 rounds, small counts")
    parser.add_argument("--only", default=",".join(BENCHES), help=f"comma-separated subset of {','.join(BENCHES)}")
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 5, quick 2)")
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2,
                        help="worker processes of both pools (default: cores)")
    parser.add_argument("--out", default=str(harness.ROOT / "bench"), help="folder for results.json/.md")
    parser.add_argument("--keep", action="store_true", help="keep the bench database (BENCH_DATABASE) afterwards")
    parser.add_argument("--soak-minutes", type=float, default=30.0, help="how long the soak runs (default 30)")
    parser.add_argument("--soak-rate", type=float, default=4.0, help="the soak's submits per second (default 4)")
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(args.only) - set(BENCHES) - set(EXTRA)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    args.rounds = args.rounds or (1 if args.only == ["soak"] else 2 if args.quick else 5)  # a soak is one run
    return args


def sizes(quick: bool) -> dict:
    if quick:
        return {"hop_runs": 8, "calls": 300, "join_runs": 100, "join_latency_runs": 5, "live_seconds": 3,
                "live_clients": [10], "api_calls": [20_000], "api_requests": 15, "canvas_sizes": [1000],
                "wire_ticks": 30,
                "mount_cold": True, "elastic": {"fresh_samples": 8, "ticks": 15, "pressure_trials": 4,
                                                 "scale_trials": 3, "wave_cycles": 4,
                                                 "agent_trials": 2, "agent_burst": 12}}
    # Joins: 200 runs a round, 1,000 over the 5 rounds (a round of 1,000 takes ~90 s here).
    return {"hop_runs": 20, "calls": 2000, "join_runs": 200, "join_latency_runs": 15, "live_seconds": 5,
            "live_clients": [10, 100], "api_calls": [100_000, 1_000_000], "api_requests": 20,
            "canvas_sizes": [1000, 5000],
            "wire_ticks": 100,
            "mount_cold": True, "elastic": {"fresh_samples": 15, "ticks": 30, "pressure_trials": 8,
                                            "scale_trials": 5, "wave_cycles": 8,
                                            "agent_trials": 3, "agent_burst": 12}}


def cpu_ref() -> float:
    """Seconds for a 10M-addition Python loop (as shared/bench/canvas): how fast the host is today."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    harness.environ_apply()
    import django

    django.setup()
    size = sizes(args.quick)
    meta = {"date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "quick": args.quick, "rounds": args.rounds,
            "concurrency": args.concurrency, "cores": os.cpu_count(), "python": pyplatform.python_version(),
            "cpu": next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                         if line.startswith("model name")), "?"),
            "broker": harness.BROKER_URL.split("://")[0], "sizes": size, "cpu_ref_10M_loop_s": cpu_ref(),
            "load_average_1min_at_start": os.getloadavg()[0]}
    print(f"bench: {meta['date']}, {args.rounds} rounds, concurrency {args.concurrency}, broker {meta['broker']}, "
          f"cpu_ref {meta['cpu_ref_10M_loop_s']:.2f} s", flush=True)
    results = []
    procs = harness.Procs()
    started = time.monotonic()
    try:
        print(f"bench: database {harness.DB_NAME}, Redis {harness.REDIS_URL}", flush=True)
        harness.database_create()
        harness.redis_reset()
        world = None
        if WORKER_BENCHES & set(args.only):
            from bench import world as w

            world = w.world_build(concurrency=args.concurrency)
            w.platform_worker_start(world, procs)
            w.raw_worker_start(world, procs)
            w.workers_warm(world)
        for name in args.only:
            print(f"bench: {name}", flush=True)
            began, load = time.monotonic(), os.getloadavg()[0]
            try:
                result = run_one(name, args=args, size=size, world=world, procs=procs)
            except Exception as error:  # one failing benchmark must not lose the others' figures
                traceback.print_exc()
                result = harness.Result(key=name, title=name, baseline="", skipped=f"failed: {error}")
            result.seconds = time.monotonic() - began
            result.details["load_average_1min"] = {"start": load, "end": os.getloadavg()[0]}
            results.append(result)
    finally:
        procs.stop_all()
        if not args.keep:
            harness.database_drop()
    meta["seconds"] = round(time.monotonic() - started, 1)
    from bench.report import report_write

    report_write(Path(args.out), meta=meta, results=[r.record() for r in results],
                 merge=set(args.only) != set(BENCHES))
    return 0


def run_one(name: str, *, args, size: dict, world, procs) -> harness.Result:
    rounds = args.rounds
    if name == "hop":
        from bench.hop import bench_hop

        return bench_hop(world, rounds=rounds, runs=size["hop_runs"])
    if name == "throughput":
        from bench.throughput import bench_throughput

        return bench_throughput(world, rounds=rounds, count=size["calls"])
    if name == "joins":
        from bench.joins import bench_joins

        return bench_joins(world, rounds=rounds, runs=size["join_runs"], latency_runs=size["join_latency_runs"])
    if name == "live":
        from bench.live import bench_live

        return bench_live(procs, rounds=rounds, seconds=size["live_seconds"], clients=size["live_clients"])
    if name == "api":
        from bench.api import bench_api

        return bench_api(rounds=rounds, calls=size["api_calls"], requests=size["api_requests"])
    if name == "canvas":
        from bench.canvas import bench_canvas

        return bench_canvas(rounds=rounds, sizes=size["canvas_sizes"], wire_ticks=size["wire_ticks"])
    if name == "mount":
        from bench.mount import bench_mount

        return bench_mount(rounds=rounds)
    if name == "elastic":
        from bench.elastic import bench_elastic

        return bench_elastic(procs, rounds=rounds, **size["elastic"])
    if name == "soak":
        from bench.soak import bench_soak

        return bench_soak(procs, minutes=args.soak_minutes, rate=args.soak_rate, concurrency=args.concurrency)
    from bench.memory import bench_memory

    return bench_memory(world, procs, rounds=rounds)


if __name__ == "__main__":
    sys.exit(main())
