"""What the monitor samples, kept between ticks.

Loading every socket and plug with its queue and processor was a quarter of a tick's CPU,
every tick, for rows that rarely change. The targets are loaded again only when something
may have changed them:
- a message on the control channel (apps.network.notify): sockets and plugs changing send
  ``{"processor", "sockets": "changed"}``, a pause or resume ``{"processor",
  "requested_status"}``. Any message counts (they are rare, and a hint to look again), and so
  does not being subscribed: at the start and after a Redis error, messages may have been
  missed;
- ``ttl`` seconds after the last load: a queue's own edit (its limit, its network) and a
  processor's observed status send no message.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import redis

from apps.engine.monitor.sampling import Target, targets_load
from apps.network.notify import control_subscribe

logger = logging.getLogger(__name__)

DRAIN_MAX = 10_000  # messages read per look at most (a flood still ends the look)


@dataclass
class ControlWatch:
    """Whether the control channel said anything since the last look (non-blocking)."""

    _pubsub: redis.client.PubSub | None = None

    def changed(self) -> bool:
        if self._pubsub is None:
            try:
                self._pubsub = control_subscribe(confirmations=True)
            except (redis.RedisError, OSError) as error:
                logger.warning("queue monitor: control channel unavailable (%s); targets reload every tick", error)
            return True
        try:
            seen = False
            for _ in range(DRAIN_MAX):
                message = self._pubsub.get_message(timeout=0)
                if message is None:
                    break
                seen = seen or message.get("type") == "message"
            return seen
        except (redis.RedisError, OSError):
            self.close()
            return True

    def close(self) -> None:
        if self._pubsub is not None:
            try:
                self._pubsub.close()
            except (redis.RedisError, OSError):
                pass
            self._pubsub = None


@dataclass
class TargetCache:
    """The monitor's targets; ``ttl`` 0 loads them every tick."""

    ttl: float = 0.0
    _targets: list[Target] | None = None
    _scopes: set[str] | None = None
    _loaded: float = float("-inf")
    loads: int = field(default=0, compare=False)

    def targets(self, *, scopes: set[str] | None, changed: bool = True) -> list[Target]:
        """The targets within ``scopes``; loaded again when ``changed`` (the control channel
        spoke), for other scopes, or ``ttl`` seconds after the last load."""
        now = time.monotonic()
        if changed or self._targets is None or scopes != self._scopes or now - self._loaded >= self.ttl:
            self._targets, self._scopes, self._loaded = targets_load(scopes=scopes), scopes, now
            self.loads += 1
        return self._targets

    def forget(self) -> None:
        self._targets = None
