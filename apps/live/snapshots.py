"""Figures the stream does not carry, sampled every few seconds while someone listens:
node health (from agent heartbeats), queue depths (from the queue monitor) and the
dashboard header counters."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from itertools import count
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from apps.calls.selectors import header_counts
from apps.live import selectors

_serial = count()


def _counters_event() -> list[dict[str, Any]]:
    return [{"kind": "counters", **header_counts()}]


def _queues_event() -> list[dict[str, Any]]:
    return [*selectors.queue_depths(), selectors.broker_state()]


SNAPSHOTS: dict[str, Callable[[], list[dict[str, Any]]]] = {
    "nodes": selectors.node_health, "queues": _queues_event, "counters": _counters_event}


def snapshot_batches(topics: set[str]) -> dict[str, list[dict[str, Any]]]:
    """topic -> its snapshot events, as plain JSON (the channel layer carries no datetimes)."""
    batches = {}
    for topic in sorted(topics & set(SNAPSHOTS)):
        events = json.loads(json.dumps(SNAPSHOTS[topic](), cls=DjangoJSONEncoder))
        for event in events:
            event["sid"] = f"snap-{topic}-{int(time.time() * 1000)}-{next(_serial)}"
        batches[topic] = events
    return batches
