"""Live events from the apps below the engine (processors, flows, accounts): what changed in
the meta-model, appended to the engine's event stream so that every open page learns it
(apps.live fans the stream out to websocket topics).

The engine's own ``apps.engine.events.event_publish`` writes the same stream with the same
bounds; this is its door for the apps that may not import the engine. An event is appended
only once the transaction that made the change commits, so a page that fetches again on it
reads what it says. A Redis outage is logged and never fails the change.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import redis
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

STREAM_KEY = "elasticcode:events"  # = apps.engine.events.STREAM_KEY (tests/core/test_live_events.py)
STREAM_MAXLEN = 100_000


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def live_event_append(event: dict[str, Any]) -> None:
    """Append ``event`` to the stream now."""
    event.setdefault("at", datetime.now(UTC).isoformat())
    try:
        _client(settings.REDIS_URL).xadd(STREAM_KEY, {"e": json.dumps(event, default=str)},
                                         maxlen=STREAM_MAXLEN, approximate=True)
    except redis.RedisError as error:
        logger.warning("event stream unavailable (%s); %s event not streamed", error, event.get("kind"))


def live_event_on_commit(event: dict[str, Any]) -> None:
    """Append ``event`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: live_event_append(event))
