"""The baseline: a minimal Celery app with no Django and no recording, configured like the
platform's (JSON, late acknowledgement, prefetch 1, same broker) and run with the same
pool flags (prefork, -O fair, no gossip or mingle).

    celery -A bench.rawcelery worker -Q bench.raw -c 2 ...

``step`` is the no-op task; the last task of a measured chain, chord or run sets
``signal`` and pushes its finish time to that Redis list, which the bench waits on.
"""

from __future__ import annotations

import os
import time
from functools import lru_cache

import redis
from celery import Celery

BROKER = os.environ.get("BENCH_BROKER_URL") or os.environ.get("BROKER_URL", "redis://127.0.0.1:6379/11")
BACKEND = os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/11")
QUEUE = "bench.raw"

app = Celery("rawbench", broker=BROKER, backend=BACKEND)
app.conf.update(
    task_serializer="json", result_serializer="json", accept_content=["json"],
    task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
    task_default_queue=QUEUE, broker_connection_retry_on_startup=True,
    broker_transport_options={"visibility_timeout": 3600, "unacked_restore_interval": 10,
                              "unacked_restore_throttle": 1},
    worker_hijack_root_logger=False,
)


@lru_cache(maxsize=1)
def _redis() -> redis.Redis:
    return redis.Redis.from_url(BACKEND)


def _signal(key: str | None) -> None:
    if key:
        _redis().rpush(key, time.time())


@app.task(name="bench.step", ignore_result=True)
def step(value=None, signal: str | None = None):
    """No-op: returns its input (a chain passes it on)."""
    _signal(signal)
    return value


@app.task(name="bench.part", ignore_result=False)
def part(value=None):
    """No-op whose result a chord collects."""
    return value


@app.task(name="bench.join", ignore_result=True)
def join(values, signal: str | None = None):
    """The chord's body: the two-argument join of the baseline."""
    _signal(signal)
    return sum(values)
