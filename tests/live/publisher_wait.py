"""Waiting on the live path from a test: a topic has a subscriber (the page subscribed)."""

from __future__ import annotations

import redis

from apps.live.publisher import SUBSCRIBERS_KEY
from tests.live.stack import LiveStack, wait_until


def subscribed(client: redis.Redis, topic: str, *, stack: LiveStack) -> None:
    wait_until(lambda: int(client.hget(SUBSCRIBERS_KEY, topic) or 0) > 0,
               what=f"nobody subscribed to {topic}", stack=stack, seconds=15)
