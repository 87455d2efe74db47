"""The topology generation: a counter bumped by every write to what routes a call.

Workers keep the sockets, plugs, queues and processors a call needs in memory
(apps.engine.topology) instead of reading those rows for every call. A write to one of
them (a model with ``shapes_topology = True``, through ``apps.core.services``, or a
service that writes such rows in bulk and says so) calls ``topology_changed``: this
process forgets its copy at once, and every other process when the transaction commits
(a Redis counter each process compares before it uses its copy). While Redis is
unreachable the generation is unknown and a process reads the rows every time.
"""

from __future__ import annotations

import logging
from functools import lru_cache

import redis
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

KEY = "elasticcode:topology"
_local = 0  # this process's own writes, seen before they commit


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def topology_changed() -> None:
    """What routes calls changed: this process's copy is stale now, others' after commit."""
    global _local
    _local += 1
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        _client(settings.REDIS_URL).incr(KEY)
    except redis.RedisError as error:
        logger.warning("topology generation not published (%s); workers re-read it within %s s",
                       error, settings.TOPOLOGY_MAX_AGE)


def topology_local() -> int:
    """This process's own writes so far (before they commit)."""
    return _local


def topology_generation() -> tuple[int, int] | None:
    """The generation a cached copy must match, or None when it cannot be known."""
    try:
        shared = _client(settings.REDIS_URL).get(KEY)
    except redis.RedisError:
        return None
    return _local, int(shared or 0)


def shapes_topology(model: type) -> bool:
    return bool(getattr(model, "shapes_topology", False))
