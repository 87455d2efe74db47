"""The live publisher: reads the event stream and fans each read out to Channels groups.

It blocks on the stream (XREADGROUP BLOCK, consumer group ``live``), so an event is sent as
soon as it is appended: the leading edge. Under load it coalesces: a publish is followed by
at most ``tick_ms`` of gathering before the next, so a burst leaves as few large batches.
One publish (``tick``): group the entries read by topic (``groups.event_topics``), send ONE
``live.batch`` message per subscribed topic (with the topic's ``seq`` and ``total`` from
counters.topic_key), then XACK. An entry is acknowledged only after its batches were sent,
so a publisher killed mid-publish sends them again when it restarts (same ``sid``:
connections drop the repeat). Entries the stream trimmed before they were read are counted
as ``trimmed`` and logged, never passed silently.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as aioredis
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from apps.engine.events import STREAM_KEY
from apps.live import counters
from apps.live.directory import Directory, call_logs, kept_connection
from apps.live.groups import event_topics, group_name
from apps.live.snapshots import SNAPSHOTS, snapshot_batches
from apps.live.streamids import id_key

logger = logging.getLogger(__name__)

GROUP = "live"
SUBSCRIBERS_KEY = counters.PREFIX + "subscribers"
FINAL_EVENTS = ("postrun", "failure")
# The longest one blocking read waits for the stream (a stop or a snapshot is seen this soon).
READ_BLOCK_MS = 500


@dataclass
class Publisher:
    client: aioredis.Redis
    stream: str = STREAM_KEY
    consumer: str = field(default_factory=lambda: f"publisher-{socket.gethostname()}")
    read_count: int = 500
    tick_ms: int = 10  # under load: the least time between two publishes (0: none)
    claim_idle_ms: int = 60_000
    directory: Directory = field(default_factory=Directory)
    layer: Any = field(default_factory=get_channel_layer)


def publisher_from_settings(**overrides: Any) -> Publisher:
    options: dict[str, Any] = {"read_count": settings.LIVE_READ_COUNT, "tick_ms": settings.LIVE_TICK_MS}
    options.update(overrides)
    return Publisher(client=counters.redis_async(), **options)


async def group_ensure(pub: Publisher) -> None:
    """Create the consumer group at the stream's end, or report what was trimmed unread."""
    try:
        await pub.client.xgroup_create(pub.stream, GROUP, id="$", mkstream=True)
    except ResponseError as error:
        if "BUSYGROUP" not in str(error):
            raise
    trimmed = await trimmed_unread(pub)
    if trimmed:
        logger.error("the event stream trimmed %s events before the live publisher read them", trimmed)
        await counters.counters_add({"trimmed": trimmed})


async def trimmed_unread(pub: Publisher) -> int:
    """Events added to the stream, never read by the group, and no longer in it (the group
    stands before the stream's first entry: everything in between was trimmed)."""
    info = await pub.client.xinfo_stream(pub.stream)
    group = next((g for g in await pub.client.xinfo_groups(pub.stream) if g["name"] == GROUP), None)
    first = info.get("first-entry")
    if group is None or not first or id_key(group["last-delivered-id"]) >= id_key(first[0]):
        return 0
    return max(0, int(info["entries-added"]) - int(group.get("entries-read") or 0) - int(info["length"]))


async def entries_read(pub: Publisher, *, pending: bool = False,
                       block_ms: int = READ_BLOCK_MS) -> list[tuple[str, dict[str, str]]]:
    """New entries (blocking up to ``block_ms`` for the first), or this consumer's
    unacknowledged ones."""
    # redis-py types the reply for RESP2 and RESP3 at once (a list or a dict); on our RESP2
    # connection XREADGROUP answers [[stream, [(id, fields), ...]], ...], or None after block.
    reply: Any = await pub.client.xreadgroup(
        GROUP, pub.consumer, {pub.stream: "0" if pending else ">"}, count=pub.read_count,
        block=None if pending else max(1, block_ms),
    )
    return [entry for _stream, entries in reply or [] for entry in entries]


async def entries_claim(pub: Publisher) -> list[tuple[str, dict[str, str]]]:
    """Entries a dead publisher read but never acknowledged."""
    _next, claimed, *_ = await pub.client.xautoclaim(
        pub.stream, GROUP, pub.consumer, min_idle_time=pub.claim_idle_ms, start_id="0-0", count=pub.read_count,
    )
    return [entry for entry in claimed if entry[1] is not None]


def events_decode(entries: list[tuple[str, dict[str, str]]]) -> list[dict[str, Any]]:
    events = []
    for sid, fields in entries:
        if fields is None:
            continue  # trimmed while pending; counted by ``tick``
        try:
            event = json.loads(fields.get("e", ""))
        except ValueError:
            logger.warning("live publisher: stream entry %s is not JSON; skipped", sid)
            continue
        if isinstance(event, dict):
            event["sid"] = sid
            events.append(event)
    return events


Batches = defaultdict[str, list[dict[str, Any]]]


def batches_build(events: list[dict[str, Any]], directory: Directory) -> Batches:
    """topic -> its events, in stream order. Call events gain their socket's ``queue``."""
    batches: Batches = defaultdict(list)
    for event in events:
        queue = directory.queues.get(event.get("socket") or "")
        if queue and event.get("kind") in ("call", "log"):
            event.setdefault("queue", queue)
        for topic in event_topics(event, queue=queue, flows=directory.flows.get(event.get("processor") or "", ())):
            batches[topic].append(event)
    return batches


async def subscribed_topics(pub: Publisher, topics: list[str]) -> set[str]:
    if not topics:
        return set()
    counts = await pub.client.hmget(SUBSCRIBERS_KEY, topics)
    return {topic for topic, count in zip(topics, counts) if count and int(count) > 0}


# The topics of one publish that have subscribers, each given its next seq and total, in
# one round trip. KEYS: the subscribers hash, then each topic's counters; ARGV: the ttl,
# then per topic its name and its count of events. Answers seq and total per topic (0 and 0
# for a topic nobody listens to: it is not sent, and its counters do not move).
_POSITIONS = """
local out = {}
for i = 2, #KEYS do
  local topic, count = ARGV[2 * i - 2], tonumber(ARGV[2 * i - 1])
  if tonumber(redis.call('HGET', KEYS[1], topic) or '0') > 0 then
    out[#out + 1] = redis.call('HINCRBY', KEYS[i], 'seq', 1)
    out[#out + 1] = redis.call('HINCRBY', KEYS[i], 'total', count)
    redis.call('EXPIRE', KEYS[i], ARGV[1])
  else
    out[#out + 1] = 0
    out[#out + 1] = 0
  end
end
return out
"""


async def batches_send(pub: Publisher, batches: dict[str, list[dict[str, Any]]]) -> int:
    """One ``live.batch`` per subscribed topic; returns the events sent (summed over topics)."""
    topics = list(batches)
    if not topics:
        return 0
    args = [counters.TOPIC_TTL, *(value for topic in topics for value in (topic, len(batches[topic])))]
    replies = await pub.client.eval(_POSITIONS, 1 + len(topics), SUBSCRIBERS_KEY,
                                    *[counters.topic_key(topic) for topic in topics], *args)
    sent = batches_sent = 0
    for index, topic in enumerate(topics):
        seq, total = int(replies[2 * index]), int(replies[2 * index + 1])
        if not seq:
            continue
        message = {"type": "live.batch", "topic": topic, "seq": seq, "total": total, "events": batches[topic]}
        await pub.layer.group_send(group_name(topic), message)
        sent, batches_sent = sent + len(batches[topic]), batches_sent + 1
    if batches_sent:
        await counters.counters_add({"batches": batches_sent, "sent": sent})
    return sent


async def log_events(pub: Publisher | None, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A ``log`` event for each call that ended with captured output (for ``--channel log``)."""
    ended = {e["call"]: e for e in events if e.get("kind") == "call" and e.get("event") in FINAL_EVENTS}
    if not ended:
        return []
    read = kept_connection if pub is not None else database_sync_to_async
    logs = await read(call_logs)(list(ended))
    keep = ("call", "run", "socket", "processor", "name", "state", "queue")
    return [dict({k: ended[call][k] for k in keep if k in ended[call]}, kind="log", log=text,
                 sid=f"{ended[call]['sid']}-log") for call, text in logs.items()]


def _log_topics(event: dict[str, Any], directory: Directory) -> list[str]:
    """Where the log event of a finished call would go (not ``calls:all``)."""
    return event_topics({**event, "kind": "log"}, queue=directory.queues.get(event.get("socket") or ""),
                        flows=directory.flows.get(event.get("processor") or "", ()))


async def tick(pub: Publisher, entries: list[tuple[str, dict[str, str]]]) -> int:
    """Publish and acknowledge one read; returns how many entries it handled. The calls'
    logs are read only for calls whose log event someone listens to: no database on the way
    of events nobody reads logs of (``calls:all`` carries no log events)."""
    if not entries:
        return 0
    events = events_decode(entries)
    if pub.directory.stale(events):  # the database only when due: not a thread hop per read
        await kept_connection(pub.directory.refresh)()
    batches = batches_build(events, pub.directory)
    ended = [e for e in events if e.get("kind") == "call" and e.get("event") in FINAL_EVENTS]
    if ended:
        log_topics = {id(e): _log_topics(e, pub.directory) for e in ended}
        wanted = await subscribed_topics(pub, sorted(set().union(*log_topics.values())))
        logs = await log_events(pub, [e for e in ended if wanted.intersection(log_topics[id(e)])])
        for topic, more in batches_build(logs, pub.directory).items():
            batches[topic].extend(more)
    await batches_send(pub, batches)
    acked = await pub.client.xack(pub.stream, GROUP, *[sid for sid, _ in entries])
    trimmed = sum(1 for _sid, fields in entries if fields is None)
    await counters.counters_add({"read": len(entries), "acked": acked, "trimmed": trimmed})
    return len(entries)


async def snapshots_send(pub: Publisher) -> None:
    wanted = await subscribed_topics(pub, list(SNAPSHOTS))
    if wanted:
        await batches_send(pub, await kept_connection(snapshot_batches)(wanted))


async def recover(pub: Publisher) -> int:
    """On start: send again what this consumer read but never acknowledged, then claim a
    dead publisher's leftovers."""
    handled = 0
    while batch := await entries_read(pub, pending=True):
        handled += await tick(pub, batch)
    while claimed := await entries_claim(pub):
        handled += await tick(pub, claimed)
        await counters.counters_add({"reclaimed": len(claimed)})
    return handled


async def run(pub: Publisher, *, stop: asyncio.Event | None = None, snapshot_seconds: float | None = None) -> None:
    """Publish until ``stop`` is set. Redis going away, or the stream or group being deleted,
    is logged and waited out (then the group is made again): bin/run stops everything when
    one process dies."""
    stop = stop or asyncio.Event()
    snapshot_seconds = settings.LIVE_SNAPSHOT_SECONDS if snapshot_seconds is None else snapshot_seconds
    delay = 0.5
    while not stop.is_set():
        try:
            await group_ensure(pub)
            await recover(pub)
            await _loop(pub, stop, snapshot_seconds)
        except (RedisConnectionError, ResponseError) as error:
            if isinstance(error, ResponseError) and not _stream_gone(error):
                raise
            logger.error("live publisher: %s; starting again in %.1f s", error, delay)
            await _wait(stop, delay)
            delay = min(delay * 2, 10.0)


def _stream_gone(error: ResponseError) -> bool:
    return any(text in str(error) for text in ("NOGROUP", "UNBLOCKED", "no such key"))


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        pass


async def _loop(pub: Publisher, stop: asyncio.Event, snapshot_seconds: float) -> None:
    """Block on the stream and publish each read at once; after a publish, gather for the
    rest of ``tick_ms`` before reading again, so under load reads are at least that far apart
    (a lone event after a quiet spell still goes at once)."""
    next_snapshot = 0.0
    while not stop.is_set():
        now = time.monotonic()
        if snapshot_seconds and now >= next_snapshot:
            await snapshots_send(pub)
            next_snapshot = now + snapshot_seconds
        until_snapshot = (next_snapshot - now) * 1000 if snapshot_seconds else READ_BLOCK_MS
        entries = await entries_read(pub, block_ms=int(min(READ_BLOCK_MS, until_snapshot)))
        started = time.monotonic()
        handled = await tick(pub, entries)
        if 0 < handled < pub.read_count and pub.tick_ms:
            remaining = pub.tick_ms / 1000 - (time.monotonic() - started)
            if remaining > 0:
                await _wait(stop, remaining)
