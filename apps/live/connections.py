"""This process's live connections, and what is done for all of them at once (one task per
event loop): their counters pushed to Redis once a second in one round trip, their
subscriptions re-checked against the users' rights every LIVE_RIGHTS_RECHECK_SECONDS in one
pass (each user, and each user's topic, read once a pass however many sockets they hold:
a hundred dashboards cost a few queries every 5 s, not a hundred connections a second), and
Redis watched for losing what the live path holds in it (see ``RedisWatch``).
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from channels.db import database_sync_to_async
from django.conf import settings

from apps.accounts.models import User
from apps.live import counters
from apps.live.access import Refused, subscription_resolve
from apps.live.watch import RedisLoss, RedisWatch

logger = logging.getLogger(__name__)

PUSH_SECONDS = 1.0
WATCH_SECONDS = 2.0


class Connection(Protocol):
    """What the registry needs of a connection (apps.live.consumers.LiveConsumer)."""

    @property
    def user_pk(self) -> Any: ...

    @property
    def topics(self) -> list[str]: ...

    def counters_taken(self) -> Counter[str]: ...

    def counters_returned(self, delta: Counter[str]) -> None: ...

    async def rights_rechecked(self, user: User | None, ended: list[tuple[str, str]]) -> None: ...

    async def redis_lost(self, loss: RedisLoss) -> None: ...


Lost = tuple[User | None, list[tuple[str, str]]]


def subscriptions_lost(entries: Iterable[tuple[int, Any, list[str]]]) -> dict[int, Lost]:
    """For each (key, user id, topics): the user as the database has them now (None once
    deactivated or deleted) and the topics they may no longer read, each with the reason.
    One query for the users; each (user, topic) resolved once."""
    entries = list(entries)
    users = {user.pk: user for user in User.objects.filter(pk__in={pk for _, pk, _ in entries}, is_active=True)}
    verdicts: dict[tuple[Any, str], str | None] = {}
    lost: dict[int, Lost] = {}
    for key, pk, topics in entries:
        user = users.get(pk)
        if user is None:
            lost[key] = (None, [])
            continue
        for topic in topics:
            if (pk, topic) not in verdicts:
                try:
                    subscription_resolve(user=user, topic=topic)
                    verdicts[(pk, topic)] = None
                except Refused as refusal:
                    verdicts[(pk, topic)] = str(refusal)
        lost[key] = (user, [(topic, reason) for topic in topics if (reason := verdicts[(pk, topic)]) is not None])
    return lost


@dataclass
class LocalConnections:
    members: dict[int, Connection] = field(default_factory=dict)
    watch: RedisWatch = field(default_factory=RedisWatch)
    _task: asyncio.Task | None = None

    def add(self, connection: Connection) -> None:
        self.members[id(connection)] = connection
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    def discard(self, connection: Connection) -> None:
        self.members.pop(id(connection), None)

    async def _run(self) -> None:
        now = time.monotonic()
        due = {"push": now + PUSH_SECONDS, "recheck": now + settings.LIVE_RIGHTS_RECHECK_SECONDS,
               "watch": now}
        while self.members:
            await asyncio.sleep(max(0.0, min(due.values()) - time.monotonic()))
            for job, run, every in (("push", self.counters_push, PUSH_SECONDS),
                                    ("recheck", self.rights_recheck, settings.LIVE_RIGHTS_RECHECK_SECONDS),
                                    ("watch", self.redis_watch, WATCH_SECONDS)):
                if time.monotonic() >= due[job]:
                    due[job] = time.monotonic() + every
                    try:
                        await run()
                    except Exception:  # one failed pass must not end the others, nor the next
                        logger.exception("live connections: %s failed", job)

    async def counters_push(self) -> None:
        """What every connection counted since the last push, added to Redis at once."""
        taken = {key: connection.counters_taken() for key, connection in list(self.members.items())}
        total: Counter[str] = sum(taken.values(), Counter())
        if not total:
            return
        try:
            await counters.counters_add(dict(total))
        except Exception:
            for key, delta in taken.items():
                if key in self.members:
                    self.members[key].counters_returned(delta)
            raise

    async def rights_recheck(self) -> None:
        members = list(self.members.items())
        entries = [(key, connection.user_pk, connection.topics) for key, connection in members if connection.topics]
        if not entries:
            return
        lost = await database_sync_to_async(subscriptions_lost)(entries)
        for key, connection in members:
            if key in lost and key in self.members:
                await connection.rights_rechecked(*lost[key])

    async def redis_watch(self) -> None:
        lost = await self.watch.check()
        if lost:
            for connection in list(self.members.values()):
                await connection.redis_lost(lost)


_registries: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def local_connections() -> LocalConnections:
    """This event loop's registry (daphne has one loop; tests run one per scenario)."""
    loop = asyncio.get_running_loop()
    registry = _registries.get(loop)
    if registry is None:
        registry = _registries[loop] = LocalConnections()
    return registry
