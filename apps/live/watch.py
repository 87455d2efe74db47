"""Whether Redis lost events the live views should have shown.

Workers append events to the stream in Redis; while Redis is unreachable they cannot (they
log "event ... not streamed"; the database still records the calls). A restarted Redis
(without persistence) or an emptied one has also lost the stream, the topics' totals and
every connection's groups. Neither shows as a gap in a topic's totals, so the live views
are told to reload from the API instead: each process's connections (apps.live.connections)
check this watch every few seconds, and every subscription gets a ``resync`` when Redis
comes back from an outage or holds another epoch than before.

The epoch is a random token under ``EPOCH_KEY``, set once by whoever finds it missing: a
Redis that lost its data has none (or someone else's new one).
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass

from redis.exceptions import RedisError

from apps.live import counters

logger = logging.getLogger(__name__)

EPOCH_KEY = counters.PREFIX + "epoch"


@dataclass(frozen=True)
class RedisLoss:
    message: str  # what the views are told
    emptied: bool  # Redis lost its data: groups and subscriber counts must be made again


@dataclass
class RedisWatch:
    epoch: str | None = None
    down_since: float | None = None

    def noticed_down(self, error: Exception) -> None:
        """Redis failed someone else's read (a socket's channel): an outage, however short."""
        if self.down_since is None:
            self.down_since = time.monotonic()
            logger.warning("live: Redis is unreachable (%s); the live views reload when it is back", error)

    async def check(self) -> RedisLoss | None:
        """None while all is well; else what was lost (once per outage or restart)."""
        try:
            pipe = counters.redis_async().pipeline(transaction=False)
            pipe.set(EPOCH_KEY, uuid.uuid4().hex, nx=True)
            pipe.get(EPOCH_KEY)
            _created, epoch = await pipe.execute()
        except (RedisError, OSError) as error:
            self.noticed_down(error)
            return None
        known, down_since = self.epoch, self.down_since
        self.epoch, self.down_since = epoch, None
        if known is not None and epoch != known:
            logger.warning("live: Redis lost the event stream (restarted or emptied); the live views reload")
            return RedisLoss("The server's event stream restarted: events may be missing; reload.", emptied=True)
        if down_since is not None:
            seconds = time.monotonic() - down_since
            return RedisLoss(f"The server's event stream was unreachable for about {seconds:.0f} s: events of "
                             "that time may be missing; reload.", emptied=False)
        return None
