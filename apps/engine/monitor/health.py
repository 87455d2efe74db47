"""Whether the broker answers: noted when a monitor tick or a submit cannot reach it, cleared
by the next tick that can, and shown by ``flow ls queues`` and the Dashboard while it lasts.

The note lives in Redis (``REDIS_URL``, not the broker) and expires after ``NOTE_SECONDS``,
so a monitor that stopped does not leave "unreachable" up for good. Reading or writing it
never fails the caller: without Redis the state is "unknown".
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

import redis
from django.conf import settings

from apps.engine.events import now_iso

logger = logging.getLogger(__name__)

BROKER_KEY = "elasticcode:monitor:broker"
NOTE_SECONDS = 30


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, decode_responses=True, socket_connect_timeout=1, socket_timeout=1)


def broker_unreachable_note(*, message: str) -> None:
    """The broker could not be reached just now (``since`` is kept from the first note)."""
    try:
        client = _client(settings.REDIS_URL)
        pipe = client.pipeline(transaction=True)
        pipe.hsetnx(BROKER_KEY, "since", now_iso())
        pipe.hset(BROKER_KEY, "message", message[:500])
        pipe.expire(BROKER_KEY, NOTE_SECONDS)
        pipe.execute()
    except redis.RedisError as error:
        logger.warning("broker health not noted (%s)", error)


def broker_reachable_note() -> None:
    try:
        _client(settings.REDIS_URL).delete(BROKER_KEY)
    except redis.RedisError as error:
        logger.warning("broker health not noted (%s)", error)


def broker_health() -> dict[str, Any]:
    """{"state": "ok"|"unreachable"|"unknown", "message", "since"}."""
    try:
        note: dict[str, str] = _client(settings.REDIS_URL).hgetall(BROKER_KEY)  # type: ignore[assignment]
    except redis.RedisError:
        return {"state": "unknown", "message": "", "since": None}
    if not note:
        return {"state": "ok", "message": "", "since": None}
    return {"state": "unreachable", "message": note.get("message", ""), "since": note.get("since")}
