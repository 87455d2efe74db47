"""celery beat's scheduler, elected: of several ``beat`` processes, one fires.

A beat fires (the platform's periodic tasks, and the sockets' schedules through
apps.engine.scheduling) only while it holds the scheduler's Redis lease, taken and renewed
every tick (the queue monitor's election, apps.engine.monitor.election). The others tick
once a second to take the lease over when the holder stops renewing it (killed, stalled,
cut off from Redis): within ``SCHEDULER_LEASE_SECONDS``. A clean stop gives the lease up at
once. Each slot is decided once in the database as well (apps.engine.models.ScheduleRun),
so even two holders in the overlap of a stalled leader never fire one slot twice.
"""

from __future__ import annotations

import logging

import redis
from celery import beat
from django.conf import settings
from django.db import close_old_connections

from apps.engine.monitor.election import Election
from apps.engine.scheduling import schedules_tick

logger = logging.getLogger(__name__)

KEY_PREFIX = "elasticcode:scheduler:"
SCOPE = "beat"
STANDBY_TICK = 1.0
MIN_TICK = 0.05


class ElectedScheduler(beat.Scheduler):
    """The platform's periodic tasks from ``CELERY_BEAT_SCHEDULE`` (kept in memory: each
    one runs again at once after a restart, which they all allow) plus the sockets' schedules."""

    def __init__(self, *args, **kwargs) -> None:
        self.election = Election(client=redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5),
                                 ttl_ms=int(settings.SCHEDULER_LEASE_SECONDS * 1000), key_prefix=KEY_PREFIX)
        self.leading = False
        super().__init__(*args, **kwargs)

    def _holds(self) -> bool:
        try:
            held = SCOPE in self.election.hold({SCOPE})
        except redis.RedisError as error:
            logger.warning("scheduler: Redis unreachable (%s); not firing until it answers", error)
            held = False
        if held != self.leading:
            logger.info("scheduler: %s", "this beat fires the schedules now" if held
                        else "another beat fires the schedules; standing by")
            self.leading = held
        return held

    def tick(self, *args, **kwargs) -> float:
        if not self._holds():
            return STANDBY_TICK
        close_old_connections()  # as Django does around a request: a long-lived process
        wait = min(super().tick(*args, **kwargs), schedules_tick())
        # Tick again before the lease could lapse, and at least once a second for new schedules.
        return max(MIN_TICK, min(wait, STANDBY_TICK, settings.SCHEDULER_LEASE_SECONDS / 3))

    def close(self) -> None:
        if self.leading:
            try:
                self.election.release({SCOPE})
            except redis.RedisError:
                pass  # the lease lapses by itself
        super().close()
