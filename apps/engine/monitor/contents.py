"""What waits on a broker queue: a look at it that takes nothing, and emptying it.

Peek. On Redis the waiting messages are read in place: one MULTI reads, per priority list
(apps.engine.monitor.brokers), its length and its ``limit`` messages nearest the right
end. kombu pushes on the left and pops on the right, and takes the lists in the order of
its priority steps, so the right end of the first list comes first: messages are listed
in the order workers will receive them (oldest first within a priority). Nothing moves,
nothing is marked redelivered. RabbitMQ has no way to read a queue without delivering
its messages (``basic_get`` then a requeue puts them back in another order, flagged
redelivered), so there the callers list the queued calls from the calls table instead.

Only the call id leaves this module: a message's headers and properties are never shown.

Purge. ``queue.purge`` of kombu: on Redis every priority list, on RabbitMQ
``queue.purge``. Ready messages only; delivered, unacknowledged ones stay with their
workers.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass

import redis
from amqp.exceptions import NotFound as AmqpNotFound
from kombu import Connection

from apps.core.errors import Unavailable
from apps.engine.monitor.brokers import AmqpCounter, RedisCounter
from apps.engine.queues import broker_is_amqp
from flowsite.celery import app as celery_app

MAX_PEEK = 500


@dataclass(frozen=True)
class Waiting:
    """One ready message: the call it carries (None when it carries none) and its priority list."""

    call_id: str | None
    priority: int


def message_call_id(raw: bytes | str) -> str | None:
    """The call id a kombu message (as Redis stores it) carries; None for anything else.

    A call's message is a Celery task (protocol 2) whose body is ``[args, {"call_id": id},
    embed]`` (apps.engine.dispatch); its task id is the call id too."""
    try:
        message = json.loads(raw)
        body = message["body"]
        if message.get("properties", {}).get("body_encoding") == "base64":
            body = base64.b64decode(body)
        _args, kwargs, _embed = json.loads(body)
        found = kwargs.get("call_id") or message["headers"]["id"]
        return str(uuid.UUID(str(found)))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def redis_peek(url: str, name: str, *, limit: int) -> tuple[int, list[Waiting]]:
    """(ready, the first ``limit`` waiting messages in delivery order) of a Redis queue."""
    if not 1 <= limit <= MAX_PEEK:
        raise ValueError(f"limit must be between 1 and {MAX_PEEK}")  # LRANGE -0 -1 is the whole list
    counter = RedisCounter(url)
    try:
        with counter.client.pipeline(transaction=True) as pipe:
            for step in counter.steps:
                key = counter.key(name, step)
                pipe.llen(key)
                pipe.lrange(key, -limit, -1)
            replies = pipe.execute()
    except redis.RedisError as error:
        raise _unavailable(url, error) from error
    finally:
        counter.close()
    ready = sum(int(length) for length in replies[0::2])
    waiting = [Waiting(call_id=message_call_id(raw), priority=int(step))
               for step, items in zip(counter.steps, replies[1::2]) for raw in reversed(items)]
    return ready, waiting[:limit]


def amqp_ready(url: str, name: str) -> int:
    """Ready messages of a RabbitMQ queue (0 when it is not declared yet)."""
    counter = AmqpCounter(url)
    try:
        return counter.counts([name])[name].ready
    except counter.connection.connection_errors as error:
        raise _unavailable(url, error) from error
    finally:
        counter.close()


def broker_purge(url: str, name: str) -> int:
    """Remove every ready message of the queue; how many there were."""
    options = dict(celery_app.conf.broker_transport_options or {})
    with Connection(url, connect_timeout=5, transport_options=options) as connection:
        try:
            channel = connection.default_channel
            try:
                return int(channel.queue_purge(queue=name) or 0)
            except AmqpNotFound:
                return 0  # RabbitMQ: not declared yet, so empty (the 404 closed the channel)
        except connection.connection_errors as error:
            raise _unavailable(url, error) from error


def _unavailable(url: str, error: Exception) -> Unavailable:
    kind = "RabbitMQ" if broker_is_amqp(url) else "Redis"
    return Unavailable(f"The broker ({kind}) did not answer: {type(error).__name__}. Try again.")
