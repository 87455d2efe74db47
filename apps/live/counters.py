"""Counters in Redis: per-topic sequence and totals, and what was sent against what was delivered.

Keys (all under ``elasticcode:live:``):
- ``topic:<group>``: hash {seq, total} of one topic, expiring a day after its last batch;
- ``stats``: hash of counters. The publisher adds ``read``, ``acked``, ``batches``, ``sent``
  (events summed over topics), ``reclaimed`` and ``trimmed``; connections add ``received``,
  ``delivered``, ``frames``, ``duplicates``, ``filtered``, ``missed``, ``shed``, ``refused``.
"""

from __future__ import annotations

import asyncio
import weakref
from functools import lru_cache
from typing import Any

import redis
import redis.asyncio as aioredis
from django.conf import settings

from apps.live.groups import group_name

PREFIX = "elasticcode:live:"
STATS_KEY = PREFIX + "stats"
TOPIC_TTL = 24 * 3600
PUBLISHER_FIELDS = ("read", "acked", "batches", "sent", "reclaimed", "trimmed")
CONNECTION_FIELDS = ("received", "delivered", "frames", "duplicates", "filtered", "missed", "shed", "refused")

_async_clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def topic_key(topic: str) -> str:
    return PREFIX + "topic:" + group_name(topic)


@lru_cache(maxsize=4)
def _sync_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, decode_responses=True)


def redis_sync() -> redis.Redis:
    return _sync_client(settings.REDIS_URL)


def redis_async() -> aioredis.Redis:
    """One client per event loop (a client cannot be shared across loops)."""
    loop = asyncio.get_running_loop()
    client = _async_clients.get(loop)
    if client is None:
        client = aioredis.Redis.from_url(settings.REDIS_URL, decode_responses=True)
        _async_clients[loop] = client
    return client


async def topic_position(topic: str) -> tuple[int, int]:
    """(seq, total) of a topic now."""
    seq, total = await redis_async().hmget(topic_key(topic), "seq", "total")
    return int(seq or 0), int(total or 0)


async def counters_add(counts: dict[str, int]) -> None:
    pipe = redis_async().pipeline(transaction=False)
    for name, value in counts.items():
        if value:
            pipe.hincrby(STATS_KEY, name, value)
    await pipe.execute()


def _stats(raw: dict[Any, Any]) -> dict[str, int]:  # redis-py types hgetall for bytes or str replies
    stats = {name: int(raw.get(name, 0)) for name in (*PUBLISHER_FIELDS, *CONNECTION_FIELDS)}
    stats["unacked"] = stats["read"] - stats["acked"]
    return stats


def stats_read() -> dict[str, int]:
    """Totals since Redis was last emptied. ``sent`` counts events once per topic batch;
    each connection's ``received`` + ``missed`` is what it was sent since it subscribed."""
    return _stats(redis_sync().hgetall(STATS_KEY))


async def stats_read_async() -> dict[str, int]:
    return _stats(await redis_async().hgetall(STATS_KEY))
