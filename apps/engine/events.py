"""The event stream: every call lifecycle change, metric sample and mount step is published here.

``event_publish`` (``events_publish`` for several) is the one way engine code emits a live
event. It appends to a Redis stream (``STREAM_KEY``), bounded by MAXLEN, so nothing is lost
while the publisher that fans events out to websocket groups restarts. Payloads are small JSON.
"""

from __future__ import annotations

import json
import logging
import os
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


def redis_client() -> redis.Redis:
    """The platform's Redis (REDIS_URL), for the engine's small keys."""
    return _client()


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def event_publish(event: dict[str, Any]) -> None:
    """Append one event. A Redis outage is logged, never fails the call being recorded
    (the database row stays the source of truth)."""
    events_publish([event])


def events_publish(events: list[dict[str, Any]]) -> None:
    """Append events in this order, in one round trip, on a connection this process keeps
    for the stream (a call publishes two or three: past the client's pool and retry layers,
    which cost more than the command). A Redis outage is logged, never fails the call."""
    if not events:
        return
    at = now_iso()
    commands = []
    for event in events:
        event.setdefault("at", at)
        commands.append(("XADD", STREAM_KEY, "MAXLEN", "~", STREAM_MAXLEN, "*", "e", json.dumps(event, default=str)))
    connection = _connection()
    try:
        connection.send_packed_command(connection.pack_commands(commands))
        for _ in commands:
            connection.read_response()
    except (redis.RedisError, OSError) as error:
        connection.disconnect()  # replies may be left unread; the next use connects afresh
        logger.warning("event stream unavailable (%s); events %s not streamed", error,
                       ", ".join(str(event.get("event") or event.get("kind")) for event in events))


_connections: dict[tuple[int, str], Any] = {}


def _connection() -> Any:
    """This process's own connection (a forked worker child makes its own; a test that
    points REDIS_URL elsewhere gets one there)."""
    key = (os.getpid(), settings.REDIS_URL)
    if key not in _connections:
        _connections.clear()
        _connections[key] = redis.Redis.from_url(settings.REDIS_URL).connection_pool.make_connection()
    return _connections[key]


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
