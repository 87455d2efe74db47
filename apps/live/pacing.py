"""Paces one connection's frames: at once when the connection is idle (the leading edge),
coalesced only under load; keeps what the connection counted until it is pushed to Redis
(apps.live.connections pushes every connection's once a second).

Load is the process's: it sends about ``LIVE_FRAMES_PER_SECOND`` frames a second at most,
shared by its busy connections (those that sent a frame within the last second). A
connection's frames are at least ``busy / frames_per_second`` seconds apart, never more than
``LIVE_FRAME_MS``: ten busy dashboards may each send a frame every 5 ms (every event on its
own at 50 events/s), a hundred every 50 ms, and what arrives meanwhile shares the next frame.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings

from apps.live import counters
from apps.live.frames import frame_text
from apps.live.outbox import Outbox

logger = logging.getLogger(__name__)

BUSY_SECONDS = 1.0  # a connection that sent a frame this recently shares the budget
RECOUNT_SECONDS = 0.1
SendText = Callable[[str], Awaitable[None]]


@dataclass
class FrameBudget:
    """The frames per second one process affords, shared by its busy connections."""

    frames_per_second: float
    interval_max: float  # seconds: the longest a busy connection waits between frames
    _last: dict[int, float] = field(default_factory=dict)  # connection -> its last frame (monotonic)
    _busy: int = 0
    _counted: float = float("-inf")

    def sent(self, connection: int, now: float) -> None:
        self._last[connection] = now

    def forget(self, connection: int) -> None:
        self._last.pop(connection, None)

    def interval(self, now: float) -> float:
        """The least time between two frames of a busy connection now."""
        if now - self._counted >= RECOUNT_SECONDS:
            for connection in [c for c, at in self._last.items() if now - at > BUSY_SECONDS]:
                del self._last[connection]
            self._busy, self._counted = len(self._last), now
        if self.frames_per_second <= 0:
            return self.interval_max
        return min(self.interval_max, self._busy / self.frames_per_second)


@lru_cache(maxsize=4)
def _budget(frames_per_second: float, interval_max: float) -> FrameBudget:
    return FrameBudget(frames_per_second=frames_per_second, interval_max=interval_max)


def frame_budget() -> FrameBudget:
    """This process's budget (one per setting, so a test that changes them gets its own)."""
    return _budget(float(settings.LIVE_FRAMES_PER_SECOND), settings.LIVE_FRAME_MS / 1000)


class Pacer:
    def __init__(self, outbox: Outbox, send: SendText, *, budget: FrameBudget | None = None) -> None:
        self.outbox = outbox
        self.send = send
        self.budget = budget or frame_budget()
        self._loop = asyncio.get_running_loop()
        self._last_frame = float("-inf")
        self._pushed: Counter[str] = Counter()
        self._task: asyncio.Task | None = None

    def wake(self) -> None:
        """Something is pending: send it now if this connection's last frame is old enough
        for the process's load, else as soon as it is."""
        if self._task is None or self._task.done():
            now = time.monotonic()
            delay = max(0.0, self._last_frame + self.budget.interval(now) - now)
            self._task = self._loop.create_task(self._flush_after(delay))

    async def _flush_after(self, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        frame = self.outbox.take_frame()
        if frame is not None:
            self._last_frame = time.monotonic()
            self.budget.sent(id(self), self._last_frame)
            await self.send(frame_text(frame))
        if self.outbox.has_pending:
            self._task = None
            self.wake()

    def counters_taken(self) -> Counter[str]:
        """What this connection counted since the last take (handed back if not pushed)."""
        now = Counter(self.outbox.counters)
        now["frames"] = self.outbox.frames
        delta = Counter({name: now[name] - self._pushed[name] for name in counters.CONNECTION_FIELDS})
        self._pushed = now
        return +delta

    def counters_returned(self, delta: Counter[str]) -> None:
        self._pushed.subtract(delta)

    async def push_counters(self) -> None:
        """Add what this connection counted since the last push to the totals in Redis now."""
        delta = self.counters_taken()
        try:
            await counters.counters_add(dict(delta))
        except Exception:
            self.counters_returned(delta)
            logger.warning("live counters not pushed; kept for the next push", exc_info=True)

    async def close(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self.budget.forget(id(self))
        await self.push_counters()
