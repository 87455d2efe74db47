"""Back pressure: a socket queue with a maximum length never takes more than it holds,
and nothing is dropped.

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
from apps.engine.queues import socket_queue_name
from apps.processors.models import Socket

POLL_FIRST, POLL_MAX = 0.02, 0.5


class QueueFull(RateLimited):
    code = "queue_full"


def queue_limit(socket: Socket) -> int | None:
    """The most messages the socket's queue holds; None when unbounded."""
    limit = socket.queue.max_length
    return limit if limit is not None and limit >= 0 else None


@lru_cache(maxsize=32)
def _counter(url: str, pid: int, thread: int) -> RedisCounter | AmqpCounter:
    """The queue monitor's counter, kept per process and thread (an AMQP channel is not
    shared between threads, nor across a fork)."""
    return broker_counter(url)


def ready_count(socket: Socket) -> int:
    """Messages waiting on the socket's broker queue (not delivered to any worker)."""
    counter = _counter(settings.CELERY_BROKER_URL, os.getpid(), threading.get_ident())
    return counter.ready(socket_queue_name(socket=socket))


def full_message(socket: Socket, ready: int, limit: int) -> str:
    return (f"The queue of {socket.name} is full: {ready} of {limit} messages wait. Nothing was queued; "
            "try again when it drains (or raise the queue's max_length).")


def room_check(*, socket: Socket) -> None:
    """Refuse (``QueueFull``) when the socket's queue is full; a source's check."""
    limit = queue_limit(socket)
    if limit is None:
        return
    ready = ready_count(socket)
    if ready >= limit:
        raise QueueFull(full_message(socket, ready, limit))


def room_wait(*, socket: Socket, deadline: float | None = None) -> float:
    """Wait until the socket's queue has room; the seconds waited (0: there was room).

    Once it was found full, it waits for the low watermark, not for one free slot, so a
    producer does not wake for every message the consumer takes. ``deadline`` (monotonic):
    give up with ``QueueFull`` then; None waits as long as it takes."""
    limit = queue_limit(socket)
    if limit is None or ready_count(socket) < limit:
        return 0.0
    started, delay = time.monotonic(), POLL_FIRST
    low = min(limit - 1, math.floor(limit * settings.BACKPRESSURE_LOW_WATERMARK))
    while (ready := ready_count(socket)) > max(low, 0):
        if deadline is not None and time.monotonic() >= deadline:
            raise QueueFull(full_message(socket, ready, limit))
        time.sleep(delay)
        delay = min(delay * 2, POLL_MAX)
    return time.monotonic() - started
