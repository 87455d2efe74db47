"""Leases on the Redis broker's unacknowledged messages: a live consumer keeps what it holds.

kombu emulates acknowledgement on Redis: a delivered message waits in the ``unacked`` hash,
indexed by delivery time, and any consumer puts back on its queue a message held longer
than the visibility timeout, since its holder may be dead. Left at that, the timeout must
exceed the longest call (and the longest retry countdown) or a running call is delivered
again beside itself, and a call whose worker died waits that long to come back: Celery's
default is an hour.

Here each consuming process renews, every quarter of the visibility timeout, the delivery
time of every message it still holds (``ZADD XX``: an acknowledged one is never brought
back), from a thread of its own, so a main loop busy with a warm shutdown renews too. So
the timeout bounds how long a holder may be silent, not how long a call may run: a call
runs as long as its time limit allows, and the calls of a worker that died come back
within one timeout (BROKER_VISIBILITY_TIMEOUT, 60 s by default).

No Django here: kombu loads this in every process that opens a broker connection.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref

from kombu.transport import redis as kombu_redis

logger = logging.getLogger(__name__)

MIN_PERIOD = 0.5  # seconds between renewals at most this often, whatever the timeout


class LeasedQoS(kombu_redis.QoS):
    """kombu's Redis QoS whose held messages are renewed by this process's lease keeper."""

    def append(self, message, delivery_tag):
        super().append(message, delivery_tag)
        _keeper_ensure(self)

    def held(self) -> list[str]:
        """Delivery tags delivered to this channel and not acknowledged yet."""
        delivered: dict[str, object] = self._delivered or {}  # both set in kombu's __init__
        dirty: set[str] = self._dirty or set()
        for _ in range(3):  # the consuming thread may change them meanwhile
            try:
                return [tag for tag in list(delivered) if tag not in dirty]
            except RuntimeError:
                continue
        return []

    def renew(self, now: float) -> int:
        """Mark every held message delivered ``now``; how many were renewed."""
        tags = self.held()
        if not tags:
            return 0
        with self.channel.conn_or_acquire() as client:
            return int(client.zadd(self.unacked_index_key, dict.fromkeys(tags, now), xx=True, ch=True) or 0)


class _Keeper(threading.Thread):
    """Renews the leases of every LeasedQoS of this process (one thread per process)."""

    def __init__(self) -> None:
        super().__init__(name="elasticcode-redis-leases", daemon=True)
        self.holders: weakref.WeakSet[LeasedQoS] = weakref.WeakSet()

    def run(self) -> None:
        while True:
            holders = list(self.holders)
            period = min((qos.visibility_timeout for qos in holders), default=4 * MIN_PERIOD) / 4
            time.sleep(max(period, MIN_PERIOD))
            now = time.time()
            for qos in list(self.holders):
                try:
                    qos.renew(now)
                except Exception as error:  # a broker outage: the next round tries again
                    logger.warning("could not renew the broker's leases on held messages: %s", error)


_keeper: _Keeper | None = None
_keeper_pid = 0
_keeper_lock = threading.Lock()


def _keeper_ensure(qos: LeasedQoS) -> None:
    """Start this process's keeper on its first delivery (again in a forked child) and give it ``qos``."""
    global _keeper, _keeper_pid
    if _keeper is None or _keeper_pid != os.getpid():
        with _keeper_lock:
            if _keeper is None or _keeper_pid != os.getpid():
                _keeper, _keeper_pid = _Keeper(), os.getpid()
                _keeper.start()
    _keeper.holders.add(qos)
