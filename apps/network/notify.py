"""The control channel: a Redis pub/sub channel that wakes agents as soon as what they
should run changes (a requested status, a placement, a node going down, a worker ready).

A message is a hint to look again, never the state itself: the database stays the source
of truth and agents re-read it every heartbeat, so a message missed while an agent
reconnects costs at most one heartbeat.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from typing import Any

import redis
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

CONTROL_CHANNEL = "elasticcode:control"


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def control_publish(message: dict[str, Any]) -> None:
    """Publish now. A Redis outage is logged: agents still converge at their next heartbeat."""
    try:
        _client(settings.REDIS_URL).publish(CONTROL_CHANNEL, json.dumps(message, default=str))
    except redis.RedisError as error:
        logger.warning("control channel unavailable (%s); agents will see %s at their next heartbeat",
                       error, message)


def control_publish_on_commit(message: dict[str, Any]) -> None:
    """Publish once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: control_publish(message))


def control_subscribe(*, confirmations: bool = False) -> redis.client.PubSub:
    """A subscription of its own (pub/sub holds a connection); the caller closes it. With
    ``confirmations`` the subscribe confirmation is a message too, so ``get_message`` answers
    None only when nothing is left to read (a non-blocking drain can stop there)."""
    pubsub = redis.Redis.from_url(settings.REDIS_URL).pubsub(ignore_subscribe_messages=not confirmations)
    pubsub.subscribe(CONTROL_CHANNEL)
    return pubsub


def control_decode(raw: Any) -> dict[str, Any]:
    """A received message's payload; {} when it is not a JSON object."""
    try:
        data = json.loads(raw["data"])
    except (TypeError, KeyError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
