"""Back pressure: a socket or plug queue with a maximum length never takes more than it
holds, and nothing is dropped. Each check is of one ``Destination`` (apps.engine.queues):
a source's call is checked against its socket's queue, a plug's delivery against the
plug's own queue.

- A source (the API, the CLI, the client, a schedule) asking to queue onto a full queue is
  refused before anything is recorded: ``QueueFull``, a 429 the caller can retry.
- A plug delivering onto a full queue waits, in the upstream worker, until the queue is
  back under its low watermark (``BACKPRESSURE_LOW_WATERMARK`` of the limit, default 80%).
  The upstream call's own message stays unacknowledged meanwhile, so that worker slot
  takes no new work: with one message prefetched per slot, a full downstream queue stops
  its upstream, whose queue then fills and stops its own upstream, hop by hop to the
  source. The time a plug held its producer is added to ``Plug.blocked_seconds``.
- The check and the publish are two steps, and concurrent producers can each see room for
  one more; the broker holds the limit exactly. On RabbitMQ the queue's own
  ``x-max-length`` with ``reject-publish`` refuses the publish, and publisher confirms (on
  for every AMQP connection, see settings) turn that into a nack instead of a silent drop;
  a confirm that does not come within ``BROKER_CONFIRM_TIMEOUT`` seconds raises
  ``Unavailable``. Redis has no queue limit: the capped transport (apps.engine.redis_capped,
  every process's Celery transport on a ``redis://`` broker) counts the queue's priority
  lists and pushes in one Lua script, refusing with ``QueueRefused`` when full. Either
  refusal queued nothing; ``call_publish`` waits here for room and sends again, so a queue
  never holds more than its limit and nothing is lost or sent twice. The check stays: it
  refuses a source before anything is recorded, and spares a producer a refused send.
"""

from __future__ import annotations

import math
import os
import threading
import time
from functools import lru_cache

from django.conf import settings

from apps.core.errors import RateLimited
from apps.engine.monitor.brokers import AmqpCounter, RedisCounter, broker_counter
from apps.engine.queues import Destination

POLL_FIRST, POLL_MAX = 0.02, 0.5


class QueueFull(RateLimited):
    code = "queue_full"


@lru_cache(maxsize=32)
def _counter(url: str, pid: int, thread: int) -> RedisCounter | AmqpCounter:
    """The queue monitor's counter, kept per process and thread (an AMQP channel is not
    shared between threads, nor across a fork)."""
    return broker_counter(url)


def ready_count(name: str) -> int:
    """Messages waiting on the broker queue ``name`` (not delivered to any worker)."""
    counter = _counter(settings.CELERY_BROKER_URL, os.getpid(), threading.get_ident())
    return counter.ready(name)


def full_message(destination: Destination, ready: int, limit: int) -> str:
    label = destination.label[0].upper() + destination.label[1:]
    return (f"{label} is full: {ready} of {limit} messages wait. Nothing was queued; "
            f"try again when it drains (or raise the max_length of queue {destination.row.name}).")


def room_check(*, destination: Destination) -> None:
    """Refuse (``QueueFull``) when the queue is full; a source's check."""
    limit = destination.limit
    if limit is None:
        return
    ready = ready_count(destination.name)
    if ready >= limit:
        raise QueueFull(full_message(destination, ready, limit))


def room_wait(*, destination: Destination, deadline: float | None = None) -> float:
    """Wait until the queue has room; the seconds waited (0: there was room).

    Once it was found full, it waits for the low watermark, not for one free slot, so a
    producer does not wake for every message the consumer takes. ``deadline`` (monotonic):
    give up with ``QueueFull`` then; None waits as long as it takes."""
    limit = destination.limit
    if limit is None or ready_count(destination.name) < limit:
        return 0.0
    started, delay = time.monotonic(), POLL_FIRST
    low = min(limit - 1, math.floor(limit * settings.BACKPRESSURE_LOW_WATERMARK))
    while (ready := ready_count(destination.name)) > max(low, 0):
        if deadline is not None and time.monotonic() >= deadline:
            raise QueueFull(full_message(destination, ready, limit))
        time.sleep(delay)
        delay = min(delay * 2, POLL_MAX)
    return time.monotonic() - started
