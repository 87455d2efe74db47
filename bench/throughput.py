"""2. Throughput: N calls of one no-op socket with full recording (each call's row and its
events persisted, its events streamed) against N raw Celery no-op tasks.

Both queues are filled while their worker does not consume them (cancel_consumer), then
consumption resumes and the clock runs until the queue is empty with nothing unacked:
that is the pool's drain rate, the same measure for both. The submit rate (call_submit
vs. apply_async from this process) is reported beside it.
"""

from __future__ import annotations

import time

from bench.harness import (
    RAW_QUEUE,
    Figure,
    Result,
    cpu_seconds,
    drain_wait,
    machine_cpu_seconds,
    redis_client,
)
from bench.world import PLATFORM_QUEUE, World, consumer_pause, consumer_resume


def drained(*, app, worker: str, queue: str, proc, submit, count: int) -> dict:
    client = redis_client()
    consumer_pause(app, worker=worker, queue=queue)
    started = time.perf_counter()
    submit()
    submitted = time.perf_counter()
    cpu0, machine0 = cpu_seconds(proc.pid), machine_cpu_seconds()
    resumed = time.perf_counter()
    consumer_resume(app, worker=worker, queue=queue)
    done = drain_wait(client, queue, timeout=600)
    return {"per_s": count / (done - resumed), "seconds": done - resumed,
            "submit_per_s": count / (submitted - started),
            "cpu_ms_per_call": (cpu_seconds(proc.pid) - cpu0) * 1000 / count,
            "machine_cpu_ms_per_call": (machine_cpu_seconds() - machine0) * 1000 / count}


def platform_round(world: World, count: int) -> dict:
    from apps.calls.models import Call, Event
    from apps.engine.dispatch import call_submit
    from flowsite.celery import app

    socket = world.sockets["noop"]
    before = Call.objects.filter(socket=socket).count()
    calls: list = []
    figures = drained(app=app, worker=world.platform_node, queue=PLATFORM_QUEUE, proc=world.platform,
                      submit=lambda: calls.extend(call_submit(socket=socket, args=[], kwargs={})
                                                  for _ in range(count)),
                      count=count)
    ids = [c.pk for c in calls]
    finished = Call.objects.filter(pk__in=ids, state="finished").count()
    events = Event.objects.filter(call_id__in=ids).count()
    if finished != count or Call.objects.filter(socket=socket).count() - before != count:
        raise RuntimeError(f"throughput: {finished} of {count} calls finished")
    return {**figures, "events_per_call": events / count}


def raw_round(world: World, count: int) -> dict:
    from bench.rawcelery import app, step

    def submit() -> None:
        with app.producer_or_acquire() as producer:
            for _ in range(count):
                step.apply_async(queue=RAW_QUEUE, producer=producer)

    return drained(app=app, worker="raw@bench", queue=RAW_QUEUE, proc=world.raw, submit=submit, count=count)


def bench_throughput(world: World, *, rounds: int, count: int) -> Result:
    result = Result(key="throughput", title=f"Throughput: {count:,} calls of a no-op socket, full recording",
                    baseline=f"{count:,} raw Celery no-op tasks, same broker and pool")
    platform, raw = [], []
    for index in range(rounds):
        order = [("platform", platform_round), ("raw", raw_round)]
        for name, runner in order if index % 2 == 0 else order[::-1]:
            (platform if name == "platform" else raw).append(runner(world, count))
        print(f"  throughput round {index + 1}: {platform[-1]['per_s']:.0f} vs {raw[-1]['per_s']:.0f} calls/s, "
              f"CPU {platform[-1]['cpu_ms_per_call']:.2f} vs {raw[-1]['cpu_ms_per_call']:.2f} ms/call", flush=True)
    result.details = {"calls_per_round": count, "platform": platform, "raw": raw}
    result.figures = [
        Figure("drain throughput", "calls/s", [r["per_s"] for r in platform], [r["per_s"] for r in raw],
               target="≥ 0.4x raw", check=lambda _p, ratio: ratio >= 0.4, higher_is_better=True),
        Figure("worker CPU per call", "ms", [r["cpu_ms_per_call"] for r in platform],
               [r["cpu_ms_per_call"] for r in raw], note="worker, its prefork children and runners",
               target="≤ 2.5x raw", check=lambda _p, ratio: ratio <= 2.5),
        Figure("submit rate", "calls/s", [r["submit_per_s"] for r in platform], [r["submit_per_s"] for r in raw],
               higher_is_better=True, note="call_submit (row + event + publish) vs apply_async"),
        Figure("events recorded per call", "", [r["events_per_call"] for r in platform]),
    ]
    return result
