"""The event stream: every call lifecycle change, metric sample and mount step is published here.

``event_publish`` is the one way engine code emits a live event. It appends to a Redis
stream (``STREAM_KEY``), bounded by MAXLEN, so nothing is lost while the recorder/
publisher that fans events out to websocket groups restarts. Payloads are small JSON.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

STREAM_KEY = "elasticcode:events"
STREAM_MAXLEN = 100_000


@lru_cache(maxsize=1)
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def event_publish(event: dict[str, Any]) -> None:
    """Append one event. A Redis outage is logged, never fails the call being recorded
    (the database row stays the source of truth)."""
    event.setdefault("at", now_iso())
    try:
        _client().xadd(STREAM_KEY, {"e": json.dumps(event, default=str)}, maxlen=STREAM_MAXLEN, approximate=True)
    except redis.RedisError as error:
        logger.warning("event stream unavailable (%s); event %s not streamed", error, event.get("event"))


def call_event(*, call, event: str, state: str, socket: Any = None, **extra: Any) -> dict[str, Any]:
    """The payload of a call event: ids, names, state and timings. ``socket``: the call's
    socket as the topology holds it (apps.engine.topology.SocketSpec); without it, the
    call's row is asked for its socket and processor."""
    socket_name, processor = ((socket.name, socket.processor_name) if socket is not None
                              else (call.socket.name, call.socket.processor.name))
    payload = {
        "kind": "call", "event": event, "state": state, "call": str(call.pk), "run": str(call.tracking),
        "parent": str(call.parent_id) if call.parent_id else None, "socket": socket_name,
        "processor": processor, "name": call.name,
    }
    payload.update(extra)
    return payload
