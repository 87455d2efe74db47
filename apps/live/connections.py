"""This process's live connections, and what is done for all of them at once (per event
loop: daphne has one):

- the topics' Channels groups: the process joins a topic's group once, with one channel of
  its own, and hands each batch to its connections subscribed to the topic (a function call
  each). A hundred sockets on a topic cost one group member and one read of the channel
  layer per batch, not a hundred (channels_redis wakes every reader of the process per
  message, ~20% of daphne at 100 sockets), and Redis going away ends no socket: the read
  is tried again (0.1 s, doubling to 5 s);
- their counters, pushed to Redis once a second in one round trip;
- their subscriptions, re-checked against the users' rights every
  LIVE_RIGHTS_RECHECK_SECONDS in one pass (each user, and each user's topic, read once a
  pass however many sockets they hold: a hundred dashboards cost a few queries every 5 s,
  not a hundred connections a second);
- Redis, watched for losing what the live path holds in it (``RedisWatch``): then every
  subscription is told to reload, and the groups are joined again when Redis lost them.
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
from channels.layers import get_channel_layer
from django.conf import settings
from redis.exceptions import RedisError

from apps.accounts.models import User
from apps.live import counters
from apps.live.access import Refused, subscription_resolve
from apps.live.groups import group_name
from apps.live.watch import RedisLoss, RedisWatch

logger = logging.getLogger(__name__)

PUSH_SECONDS = 1.0
WATCH_SECONDS = 2.0
# Channels forgets group members after the layer's group_expiry (a day): join again well before.
GROUP_REFRESH_SECONDS = 3600.0
LISTEN_RETRY_FIRST, LISTEN_RETRY_MAX = 0.1, 5.0


class Connection(Protocol):
    """What the registry needs of a connection (apps.live.consumers.LiveConsumer)."""

    @property
    def user_pk(self) -> Any: ...

    @property
    def topics(self) -> list[str]: ...

    def batch_received(self, message: dict[str, Any]) -> None: ...

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
    subscribers: dict[str, dict[int, Connection]] = field(default_factory=dict)  # topic -> its connections
    _groups: dict[str, asyncio.Future] = field(default_factory=dict)  # topic -> its group joined (or joining)
    _channel: str = ""
    _layer: Any = None
    _task: asyncio.Task | None = None
    _listener: asyncio.Task | None = None

    def add(self, connection: Connection) -> None:
        self.members[id(connection)] = connection
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    def discard(self, connection: Connection) -> None:
        self.members.pop(id(connection), None)

    # --- groups ---------------------------------------------------------------------
    async def join(self, topic: str, connection: Connection) -> None:
        """The connection gets the topic's batches from now on (once the group is joined)."""
        self.subscribers.setdefault(topic, {})[id(connection)] = connection
        joined = self._groups.get(topic)
        if joined is None:
            joined = self._groups[topic] = asyncio.ensure_future(self._group_add(topic))
        try:
            await asyncio.shield(joined)
        except Exception:
            if self._groups.get(topic) is joined:
                del self._groups[topic]
            raise

    async def leave(self, topic: str, connection: Connection) -> None:
        members = self.subscribers.get(topic, {})
        members.pop(id(connection), None)
        if not members and topic in self.subscribers:
            del self.subscribers[topic]
            self._groups.pop(topic, None)
            if self._layer is not None:
                await self._layer.group_discard(group_name(topic), self._channel)

    async def _group_add(self, topic: str) -> None:
        if self._listener is None or self._listener.done():
            self._layer = get_channel_layer()
            self._channel = await self._layer.new_channel()
            self._listener = asyncio.get_running_loop().create_task(self._listen())
        await self._layer.group_add(group_name(topic), self._channel)

    async def groups_rejoin(self) -> None:
        """Join every topic's group again (Redis lost them, or they near their expiry)."""
        for topic in list(self.subscribers):
            if self._layer is not None:
                await self._layer.group_add(group_name(topic), self._channel)

    async def _listen(self) -> None:
        delay = LISTEN_RETRY_FIRST
        while True:
            try:
                message = await self._layer.receive(self._channel)
            except (RedisError, OSError) as error:
                self.watch.noticed_down(error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, LISTEN_RETRY_MAX)
                continue
            delay = LISTEN_RETRY_FIRST
            if message.get("type") == "live.batch":
                for connection in list(self.subscribers.get(message.get("topic", ""), {}).values()):
                    connection.batch_received(message)

    async def _run(self) -> None:
        now = time.monotonic()
        due = {"push": now + PUSH_SECONDS, "recheck": now + settings.LIVE_RIGHTS_RECHECK_SECONDS,
               "watch": now, "groups": now + GROUP_REFRESH_SECONDS}
        while self.members:
            await asyncio.sleep(max(0.0, min(due.values()) - time.monotonic()))
            for job, run, every in (("push", self.counters_push, PUSH_SECONDS),
                                    ("recheck", self.rights_recheck, settings.LIVE_RIGHTS_RECHECK_SECONDS),
                                    ("watch", self.redis_watch, WATCH_SECONDS),
                                    ("groups", self.groups_rejoin, GROUP_REFRESH_SECONDS)):
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
            if lost.emptied:
                await self.groups_rejoin()
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
