"""Paces one connection's frames: at most one per ``interval`` seconds, each bounded by the
outbox; pushes the connection's counters to Redis at most once a second."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from apps.live import counters
from apps.live.outbox import Outbox

logger = logging.getLogger(__name__)

STATS_SECONDS = 1.0
Send = Callable[[dict[str, Any]], Awaitable[None]]


class Pacer:
    def __init__(self, outbox: Outbox, send: Send, *, interval: float) -> None:
        self.outbox = outbox
        self.send = send
        self.interval = interval
        self._loop = asyncio.get_running_loop()
        self._last_frame = float("-inf")
        self._last_stats = self._loop.time()
        self._pushed: Counter[str] = Counter()
        self._task: asyncio.Task | None = None

    def wake(self) -> None:
        """Something is pending: send it now if the last frame is old enough, else later."""
        if self._task is None or self._task.done():
            delay = max(0.0, self._last_frame + self.interval - self._loop.time())
            self._task = self._loop.create_task(self._flush_after(delay))

    async def _flush_after(self, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        frame = self.outbox.take_frame()
        if frame is not None:
            self._last_frame = self._loop.time()
            await self.send(frame)
        if self._loop.time() - self._last_stats >= STATS_SECONDS:
            await self.push_counters()
        if self.outbox.has_pending:
            self._task = self._loop.create_task(self._flush_after(self.interval))

    async def push_counters(self) -> None:
        """Add what this connection counted since the last push to the totals in Redis."""
        now = Counter(self.outbox.counters)
        now["frames"] = self.outbox.frames
        delta = {name: now[name] - self._pushed[name] for name in counters.CONNECTION_FIELDS}
        self._pushed, self._last_stats = now, self._loop.time()
        try:
            await counters.counters_add(delta)
        except Exception:
            self._pushed.subtract(Counter(delta))
            logger.warning("live counters not pushed; kept for the next push", exc_info=True)

    async def close(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        await self.push_counters()
