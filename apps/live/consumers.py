"""The one websocket: a client subscribes to topics and receives their events in frames.

Client -> server:
  {"type": "subscribe", "topic": T, "channel"?: "task"|"log"|"metric", "after"?: stream id}
  {"type": "unsubscribe", "topic": T}   {"type": "ping"}   {"type": "stats"}
Server -> client:
  {"type": "hello", "user", "frame_ms", "frame_max"}
  {"type": "subscribed", "topic", "channel", "seq", "total", "sid", "replayed"?}
  {"type": "unsubscribed", "topic"}
  {"type": "events", "frame", "events": [...], "topics": {T: {"seq", "total", "count"}},
   "sids"?: {T: stream id}, "pending", "gaps"?: [{"topic", "missed", "reason": "lost"|"slow"}]}
   (see outbox.Outbox)
  {"type": "resync", "topic", "message"}: the events after ``after`` are no longer held
A reconnecting client subscribes with ``after``: the last stream id it saw for the topic
(the ``sid`` of ``subscribed`` or of a frame's ``sids``). It is sent the topic's events
after that id first (apps.live.replay; ``replayed`` counts them), then the live ones, each
once; or ``resync`` when the server no longer holds them, and it reloads from the API.
  {"type": "error", "message", "topic"?}   {"type": "pong"}   {"type": "stats", "connection", "totals"}
An anonymous socket is closed with 4401. A malformed frame (not JSON, binary, too long, not an
object, a field of the wrong type) gets an error frame and the socket stays open. Every
LIVE_RIGHTS_RECHECK_SECONDS (5) the subscriptions are checked again: one whose right the user lost
ends with an error frame and "unsubscribed", and a deactivated user's socket is closed with
4403 after an error frame saying why. When Redis was unreachable or lost its data, every
subscription gets a ``resync`` (apps.live.watch): events of that time never reached the stream.
The process's connections share those checks and their counters' pushes (apps.live.connections).
"""

from __future__ import annotations

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from apps.accounts.models import User
from apps.live import counters
from apps.live.access import Refused, subscription_resolve
from apps.live.connections import local_connections
from apps.live.groups import CHANNEL_KINDS
from apps.live.outbox import Outbox
from apps.live.pacing import Pacer
from apps.live.publisher import SUBSCRIBERS_KEY
from apps.live.replay import Replay, replay_read, stream_last
from apps.live.streamids import stream_id
from apps.live.watch import RedisLoss

CLOSE_UNAUTHENTICATED = 4401
CLOSE_DEACTIVATED = 4403
MESSAGE_MAX_CHARS = 16384
NOT_AN_OBJECT = 'A message is a JSON object with a "type".'


class LiveConsumer(AsyncJsonWebsocketConsumer):
    # Batches come through the process's one channel (apps.live.connections), not this
    # consumer's own through Channels' dispatch loop: that closes old database connections in
    # a thread before every message, and ends the socket when Redis goes away.
    channel_layer_alias = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.outbox = Outbox(frame_max=settings.LIVE_FRAME_MAX, pending_max=settings.LIVE_PENDING_MAX)
        self.pacer = Pacer(self.outbox, self._send_text)
        await self.accept()
        await self.send_json({"type": "hello", "user": user.get_username(),
                              "frame_ms": settings.LIVE_FRAME_MS, "frame_max": settings.LIVE_FRAME_MAX})
        local_connections().add(self)

    async def disconnect(self, code) -> None:
        if not hasattr(self, "outbox"):
            return
        local_connections().discard(self)
        for topic in self.outbox.topics:
            await self._leave(topic)
        await self.pacer.close()

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        """Decode a frame ourselves, so that a bad one is an error frame, not a 1011 close."""
        if text_data is None:
            await self._error("Binary frames are not accepted: send a JSON object as text.")
            return
        if len(text_data) > MESSAGE_MAX_CHARS:
            await self._error(f"A message is at most {MESSAGE_MAX_CHARS} characters.")
            return
        try:
            content = json.loads(text_data)
        except (ValueError, RecursionError):
            await self._error("The message is not valid JSON.")
            return
        if not isinstance(content, dict):
            await self._error(NOT_AN_OBJECT)
            return
        await self.receive_json(content)

    async def _send_text(self, text: str) -> None:
        await self.send(text_data=text)

    async def _error(self, message: str, **fields) -> None:
        await self.send_json({"type": "error", "message": message, **fields})

    async def receive_json(self, content, **kwargs) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        handler = {"subscribe": self.subscribe, "unsubscribe": self.unsubscribe,
                   "ping": self.ping, "stats": self.stats}.get(kind) if isinstance(kind, str) else None
        if handler is None:
            await self._error("Unknown message type.")
            return
        await handler(content)

    async def subscribe(self, content: dict) -> None:
        if not isinstance(content.get("topic"), str):
            await self._error('"topic" must be a string.')
            return
        if content.get("channel") is not None and not isinstance(content.get("channel"), str):
            await self._error('"channel" must be a string.', topic=content["topic"])
            return
        after = content.get("after")
        if after is not None and stream_id(after) != after:
            await self._error('"after" must be a stream id such as "1700000000000-0".', topic=content["topic"])
            return
        try:
            sub = await database_sync_to_async(subscription_resolve)(
                user=self.scope["user"], topic=content.get("topic"), channel=content.get("channel"))
        except Refused as refusal:
            self.outbox.counters["refused"] += 1
            await self._error(str(refusal), topic=content.get("topic"))
            return
        topic = str(sub.topic)
        kinds = frozenset({CHANNEL_KINDS[sub.channel]}) if sub.channel else None
        if self.outbox.subscribed(topic):  # a wider channel on a subscription we have: no replay
            seq, total = await counters.topic_position(topic)
            self.outbox.subscribe(topic, kinds=kinds, total=total, seq=seq)
            await self.send_json({"type": "subscribed", "topic": topic, "channel": sub.channel,
                                  "seq": seq, "total": total})
            return
        await self._join(topic, kinds, channel=sub.channel, after=after)

    async def _join(self, topic: str, kinds: frozenset[str] | None, *, channel: str | None, after: str | None) -> None:
        """Join the topic's group, replaying what came after stream id ``after`` first (the
        topic's live batches wait meanwhile); ``subscribed`` carries the ``sid`` to resume from."""
        self.outbox.hold(topic)
        client = counters.redis_async()
        resume = await stream_last(client)  # read before joining: what follows comes live or replayed
        await client.hincrby(SUBSCRIBERS_KEY, topic, 1)
        await local_connections().join(topic, self)
        seq, total = await counters.topic_position(topic)
        self.outbox.subscribe(topic, kinds=kinds, total=total, seq=seq)
        replay = Replay(events=[], last=resume)
        if after is not None:
            replay = await replay_read(client=client, topic=topic, kinds=kinds, after=after,
                                       limit=settings.LIVE_REPLAY_MAX)
        frame = {"type": "subscribed", "topic": topic, "channel": channel, "seq": seq, "total": total,
                 "sid": resume if replay.resync else replay.last}
        if after is not None:
            frame["replayed"] = len(replay.events)
        await self.send_json(frame)
        if replay.resync:
            self.outbox.counters["resyncs"] += 1
            await self.send_json({"type": "resync", "topic": topic, "message": replay.resync})
        self.outbox.release(topic, replay.events)
        if self.outbox.has_pending:
            self.pacer.wake()

    async def unsubscribe(self, content: dict) -> None:
        if not isinstance(content.get("topic"), str):
            await self._error('"topic" must be a string.')
            return
        topic = content["topic"]
        if self.outbox.subscribed(topic):
            await self._leave(topic)
            self.outbox.unsubscribe(topic)
        await self.send_json({"type": "unsubscribed", "topic": topic})

    async def _leave(self, topic: str) -> None:
        await local_connections().leave(topic, self)
        await counters.redis_async().hincrby(SUBSCRIBERS_KEY, topic, -1)

    # --- what this process's connections do together (apps.live.connections) ----------
    @property
    def user_pk(self):
        return self.scope["user"].pk

    @property
    def topics(self) -> list[str]:
        return self.outbox.topics

    def counters_taken(self):
        return self.pacer.counters_taken()

    def counters_returned(self, delta) -> None:
        self.pacer.counters_returned(delta)

    async def rights_rechecked(self, user: User | None, ended: list[tuple[str, str]]) -> None:
        """End what the user may no longer read; close the socket of a deactivated user."""
        if user is None:
            await self._error("Your account was deactivated: this connection is closed.")
            await self.close(code=CLOSE_DEACTIVATED)
            return
        self.scope["user"] = user
        for topic, reason in ended:
            if not self.outbox.subscribed(topic):
                continue  # unsubscribed meanwhile
            await self._leave(topic)
            self.outbox.unsubscribe(topic)
            await self._error(f"Subscription ended: {reason}", topic=topic)
            await self.send_json({"type": "unsubscribed", "topic": topic})

    async def redis_lost(self, loss: RedisLoss) -> None:
        """Events may have been lost in Redis: every subscription reloads from the API. When
        Redis lost its data, the subscriber counts are made again first (and the process's
        groups, apps.live.connections)."""
        for topic in self.outbox.topics:
            if loss.emptied:
                await counters.redis_async().hincrby(SUBSCRIBERS_KEY, topic, 1)
            self.outbox.counters["resyncs"] += 1
            await self.send_json({"type": "resync", "topic": topic, "message": loss.message})

    async def ping(self, content: dict) -> None:
        await self.send_json({"type": "pong"})

    async def stats(self, content: dict) -> None:
        await self.pacer.push_counters()
        totals = await counters.stats_read_async()
        await self.send_json({"type": "stats", "connection": self.outbox.stats(), "totals": totals})

    def batch_received(self, message: dict) -> None:
        """One topic's batch from the publisher; framed by the pacer."""
        self.outbox.add_batch(topic=message["topic"], seq=message["seq"], total=message["total"],
                              events=message["events"])
        if self.outbox.has_pending:
            self.pacer.wake()
