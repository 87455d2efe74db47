"""What a reconnecting client missed: the stream entries after the last id it saw.

A subscription may carry ``after``, a stream id from an earlier connection (the ``sid`` of
``subscribed`` or of a frame's ``sids``). The entries after it are read back with XRANGE
(exclusive start, at most ``limit``) and go through the live path (decoded, given their
log events and topics by ``apps.live.publisher``), so a replay holds exactly what the topic
would have delivered live. The client must reload from the API instead ("resync") when the
stream no longer holds that id (trimmed, or Redis restarted empty) or more than ``limit``
entries came after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from channels.db import database_sync_to_async

from apps.engine.events import STREAM_KEY
from apps.live.directory import Directory
from apps.live.publisher import batches_build, events_decode, log_events
from apps.live.streamids import START, stream_id


@dataclass
class Replay:
    events: list[dict[str, Any]]  # the topic's events after ``after``, in stream order
    last: str  # the stream id read up to: the client's next ``after``
    resync: str = ""  # why the client must reload instead; then ``events`` is empty


async def stream_last(client: aioredis.Redis) -> str:
    """The id of the newest entry (``0-0`` when the stream is empty)."""
    newest: Any = await client.xrevrange(STREAM_KEY, count=1)  # decoded: [(id, fields)]
    return newest[0][0] if newest else START


async def replay_read(*, client: aioredis.Redis, topic: str, kinds: frozenset[str] | None,
                      after: str, limit: int) -> Replay:
    """The events of ``topic`` (of ``kinds``, None: all) after stream id ``after``."""
    # redis-py types replies for bytes and RESP3 too; ours (decoded, RESP2): [(id, fields), ...]
    entries: list[tuple[str, dict[str, str]]] = await client.xrange(  # type: ignore[assignment]
        STREAM_KEY, min=after, count=limit + 2)
    held = bool(entries) and entries[0][0] == after
    if not held and (after != START or await _trimmed_ever(client)):
        return Replay(events=[], last=after, resync="The server no longer holds the events after "
                      f"{after} (the stream was trimmed or restarted); reload.")
    entries = entries[1:] if held else entries
    if len(entries) > limit:
        return Replay(events=[], last=after, resync=f"More than {limit} events happened since {after}; reload.")
    if not entries:
        return Replay(events=[], last=after)
    events = events_decode(entries)
    directory = Directory()
    await database_sync_to_async(directory.refresh)()
    events += await log_events(None, events)
    order = {entry[0]: index for index, entry in enumerate(entries)}
    mine = [event for event in batches_build(events, directory).get(topic, [])
            if kinds is None or event.get("kind") in kinds]
    mine.sort(key=lambda event: (order.get(stream_id(event.get("sid")) or "", 0), event["sid"]))
    return Replay(events=mine, last=entries[-1][0])


async def _trimmed_ever(client: aioredis.Redis) -> bool:
    """Whether the stream ever lost entries (Redis 7 reports the largest id it deleted)."""
    try:
        info = await client.xinfo_stream(STREAM_KEY)
    except aioredis.ResponseError:
        return False  # no stream at all: nothing was there to trim
    return info.get("max-deleted-entry-id", START) != START
