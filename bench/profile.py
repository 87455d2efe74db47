"""Where a worker's time goes: py-spy over the platform worker while it drains no-op calls
(or hop runs), and the SQL each call makes, counted in-process.

    .venv/bin/python -m bench.profile                 # both, 1,000 calls
    .venv/bin/python -m bench.profile --calls 500 --what queries

Needs py-spy in the venv (pip install py-spy). Writes $ECBENCH_DIR/profile-*.txt (collapsed
stacks) and prints the functions with the most samples, inclusive and by file.
"""

from __future__ import annotations

import argparse
import collections
import subprocess
import sys
import time
from pathlib import Path

from bench import harness


def stacks_summary(path: Path, *, top: int = 40) -> str:
    """Inclusive sample share of each frame (counted once per stack) from py-spy --format raw."""
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        seen = set()
        for frame in stack.split(";"):
            where = frame.split(" (")[-1].split(":")[0].split("/site-packages/")[-1].split("/work/main/")[-1]
            name = frame.split(" (")[0] + " (" + where + ")" if " (" in frame else frame
            if name not in seen:
                seen.add(name)
                inclusive[name] += n
    lines = [f"{total} samples"]
    lines += [f"{100 * n / total:5.1f}%  {name}" for name, n in inclusive.most_common(top)]
    return "\n".join(lines)


def spy(world, *, calls: int, gil: bool = False, seconds_max: float = 120) -> Path:
    from apps.engine.dispatch import call_submit
    from bench.world import PLATFORM_QUEUE, consumer_pause, consumer_resume
    from flowsite.celery import app

    out = harness.WORK / "profile-drain.txt"
    consumer_pause(app, worker=world.platform_node, queue=PLATFORM_QUEUE)
    for _ in range(calls):
        call_submit(socket=world.sockets["noop"], args=[], kwargs={})
    spy_proc = subprocess.Popen([str(Path(sys.executable).with_name("py-spy")), "record", "--pid",
                                 str(world.platform.pid), "--subprocesses", "--format", "raw", "--rate", "250",
                                 "--duration", str(int(seconds_max)), "--output", str(out), "--nonblocking",
                                 *(["--gil"] if gil else [])],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    started = time.perf_counter()
    consumer_resume(app, worker=world.platform_node, queue=PLATFORM_QUEUE)
    done = harness.drain_wait(harness.redis_client(), PLATFORM_QUEUE, timeout=seconds_max)
    print(f"drained {calls} calls in {done - started:.2f} s ({calls / (done - started):.0f}/s)", flush=True)
    spy_proc.send_signal(2)
    spy_proc.wait(30)
    return out


def queries(world, *, calls: int) -> None:
    """Run calls in this process through call_execute and count their SQL statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.engine.dispatch import call_submit
    from apps.engine.execution import WorkerContext, call_execute
    from apps.engine.mounting import processor_mount
    from apps.engine.recording import WorkerIdentity

    mount = processor_mount(processor=world.processor)
    context = WorkerContext(processor_id=str(world.processor.pk), python=mount.python, source=mount.path,
                            commit=mount.commit, who=WorkerIdentity(hostname="profile"))
    for name, args in (("noop", []), ("hop0", [1]), ("hop9", [1])):
        samples = []
        for _ in range(calls):
            call = call_submit(socket=world.sockets[name], args=args, kwargs={})
            with CaptureQueriesContext(connection) as captured:
                call_execute(call_id=str(call.pk), context=context)
            samples.append(captured.captured_queries)
        print(f"{name}: {len(samples[-1])} SQL statements per call (execute, record, route):")
        for query in samples[-1]:
            print("   ", query["sql"][:150])
    context.runner().close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--what", default="spy,queries")
    parser.add_argument("--gil", action="store_true", help="sample only threads holding the GIL (CPU in Python)")
    args = parser.parse_args()
    harness.environ_apply()
    import django

    django.setup()
    from bench import world as w

    harness.database_create()
    harness.redis_reset()
    procs = harness.Procs()
    try:
        world = w.world_build(concurrency=2)
        if "queries" in args.what:
            queries(world, calls=3)
        if "spy" in args.what:
            w.platform_worker_start(world, procs)
            w.workers_warm(world)
            out = spy(world, calls=args.calls, gil=args.gil)
            print(stacks_summary(out))
            print(f"collapsed stacks: {out}")
    finally:
        procs.stop_all()
        harness.database_drop()


if __name__ == "__main__":
    main()
