"""The publisher: stream -> one batch per subscribed topic per tick, acknowledged after
sending; a restarted (or replaced) publisher sends what was read but never acknowledged."""

from __future__ import annotations

import asyncio
import re
import time

import pytest
from channels.layers import get_channel_layer
from redis.exceptions import ResponseError

from apps.engine.events import STREAM_KEY
from apps.live import counters
from apps.live.directory import Directory
from apps.live.groups import event_topics, group_name
from apps.live.publisher import (
    GROUP,
    SUBSCRIBERS_KEY,
    Publisher,
    batches_build,
    entries_read,
    group_ensure,
    recover,
    run,
    tick,
)
from tests.factories import make_call, make_processor, make_socket
from tests.live.conftest import call_payload, run_async, stream_add

pytestmark = pytest.mark.django_db(transaction=True)


def directory() -> Directory:
    return Directory(max_age=3600, queues={"sock": "q1"}, flows={"proc": ("f1",)}, loaded=time.monotonic())


def publisher(**options) -> Publisher:
    return Publisher(client=counters.redis_async(), directory=directory(), **options)


async def listen(topic: str) -> str:
    """A channel in the topic's group, counted as a subscriber (as a consumer does)."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(group_name(topic), channel)
    await counters.redis_async().hincrby(SUBSCRIBERS_KEY, topic, 1)
    return channel


@pytest.mark.django_db(transaction=False)
def test_an_event_belongs_to_every_topic_it_concerns():
    event = call_payload(run="r1")
    assert event_topics(event, queue="q1", flows=("f1", "f2")) == [
        "calls:all", "run:r1", "socket:sock", "queue:q1", "processor:proc", "flow:f1", "flow:f2"]
    metric = {"kind": "metric", "processor": "proc", "name": "t", "value": 1}
    assert event_topics(metric) == ["metrics", "processor:proc"]
    assert event_topics({"kind": "node", "name": "n1"}) == ["nodes"]
    built = batches_build([call_payload(sid="1-0")], directory())
    assert built["queue:q1"][0]["queue"] == "q1" and set(built) >= {"calls:all", "flow:f1"}


@pytest.mark.django_db(transaction=False)
def test_group_names_are_valid_channels_names_however_odd_the_topic():
    valid = re.compile(r"^[A-Za-z0-9_.-]{1,99}$")
    for topic in ("calls:all", "processor:proc 1/ü", "socket:" + "x" * 300, "run:0b7e-..."):
        assert valid.match(group_name(topic)), topic
    assert group_name("processor:a b") != group_name("processor:a_b")
    assert group_name("calls:all") == "live.calls.all"
    assert group_name("processor:a.b") == "live.processor.a.b"


def test_a_tick_sends_one_batch_per_subscribed_topic_then_acknowledges(live_redis):
    async def scenario():
        pub = publisher()
        await group_ensure(pub)
        everything, one_run = await listen("calls:all"), await listen("run:r1")
        stream_add(live_redis, [call_payload(run="r1"), call_payload(run="r2"), call_payload(run="r1")])
        assert await tick(pub, await entries_read(pub)) == 3
        layer = get_channel_layer()
        batch = await layer.receive(everything)
        assert (batch["type"], batch["seq"], batch["total"], len(batch["events"])) == ("live.batch", 1, 3, 3)
        assert [e["sid"] for e in batch["events"]] == sorted(e["sid"] for e in batch["events"])
        batch = await layer.receive(one_run)
        assert (batch["topic"], batch["total"], len(batch["events"])) == ("run:r1", 2, 2)
        assert live_redis.xpending(STREAM_KEY, GROUP)["pending"] == 0
        stats = counters.stats_read()
        assert {k: stats[k] for k in ("read", "acked", "batches", "sent", "unacked")} == {
            "read": 3, "acked": 3, "batches": 2, "sent": 5, "unacked": 0}

    run_async(scenario)


def test_when_the_publisher_dies_before_acknowledging_then_its_restart_sends_again(live_redis):
    async def scenario():
        first = publisher(consumer="publisher-a")
        await group_ensure(first)
        channel = await listen("calls:all")
        stream_add(live_redis, [call_payload(), call_payload()])
        read = await entries_read(first)
        assert len(read) == 2  # ...and the process dies here, before sending and acknowledging
        again = publisher(consumer="publisher-a")
        await group_ensure(again)
        assert await recover(again) == 2
        batch = await get_channel_layer().receive(channel)
        assert [e["sid"] for e in batch["events"]] == [sid for sid, _ in read]
        assert live_redis.xpending(STREAM_KEY, GROUP)["pending"] == 0

    run_async(scenario)


def test_a_dead_publishers_unacknowledged_entries_are_claimed_by_another(live_redis):
    async def scenario():
        dead = publisher(consumer="publisher-dead")
        await group_ensure(dead)
        channel = await listen("calls:all")
        stream_add(live_redis, [call_payload()])
        await entries_read(dead)
        other = publisher(consumer="publisher-b", claim_idle_ms=0)
        assert await recover(other) == 1
        assert len((await get_channel_layer().receive(channel))["events"]) == 1
        assert counters.stats_read()["reclaimed"] == 1

    run_async(scenario)


def test_events_trimmed_before_the_publisher_read_them_are_counted_not_ignored(live_redis):
    async def scenario():
        pub = publisher()
        await group_ensure(pub)
        stream_add(live_redis, [call_payload() for _ in range(5)])
        live_redis.xtrim(STREAM_KEY, maxlen=2, approximate=False)
        await group_ensure(pub)  # a restart notices
        assert counters.stats_read()["trimmed"] == 3

    run_async(scenario)


def test_a_finished_call_with_output_also_gives_a_log_event(live_redis):
    call = make_call(make_socket(make_processor(name="proc"), name="sock"), log="hello there\n")

    async def scenario():
        pub = publisher()
        await group_ensure(pub)
        channel = await listen("processor:proc")
        stream_add(live_redis, [call_payload(call=str(call.pk))])
        await tick(pub, await entries_read(pub))
        batch = await get_channel_layer().receive(channel)
        assert [e["kind"] for e in batch["events"]] == ["call", "log"]
        assert batch["events"][1]["log"] == "hello there\n"

    run_async(scenario)


def test_logs_are_read_only_for_calls_whose_log_someone_listens_to(live_redis, monkeypatch):
    from apps.live import publisher as module

    asked: list[list[str]] = []
    monkeypatch.setattr(module, "call_logs", lambda ids: asked.append(ids) or {})

    async def scenario():
        pub = publisher()
        await group_ensure(pub)
        await listen("calls:all")  # carries no log events
        stream_add(live_redis, [call_payload(call="c1", processor="other")])
        await tick(pub, await entries_read(pub))
        assert asked == [], "nobody listens to c1's log: no database read"
        await listen("processor:proc")
        stream_add(live_redis, [call_payload(call="c2"), call_payload(call="c3", processor="other")])
        await tick(pub, await entries_read(pub))
        assert asked == [["c2"]]

    run_async(scenario)


def test_an_event_naming_no_real_call_is_published_and_does_not_stop_the_publisher(live_redis):
    async def scenario():
        pub = publisher()
        await group_ensure(pub)
        channel = await listen("calls:all")
        stream_add(live_redis, [call_payload(call="not-a-call-id", event="postrun")])
        assert await tick(pub, await entries_read(pub)) == 1
        assert [e["call"] for e in (await get_channel_layer().receive(channel))["events"]] == ["not-a-call-id"]

    run_async(scenario)


async def group_exists(client) -> None:
    """Wait until the publisher (another task) has made its consumer group."""
    for _ in range(500):
        try:
            if any(g["name"] == GROUP for g in await client.xinfo_groups(STREAM_KEY)):
                return
        except ResponseError:
            pass
        await asyncio.sleep(0.02)
    raise AssertionError("the publisher made no consumer group")


def test_when_the_stream_is_deleted_under_it_then_the_publisher_carries_on(live_redis):
    async def scenario():
        pub = publisher()
        stop = asyncio.Event()
        running = asyncio.create_task(run(pub, stop=stop, snapshot_seconds=0))
        try:
            channel = await listen("calls:all")
            await group_exists(pub.client)
            await pub.client.delete(STREAM_KEY)  # FLUSHDB, a mistaken DEL...
            await group_exists(pub.client)
            stream_add(live_redis, [call_payload(call="after", event="prerun", state="running")])
            batch = await asyncio.wait_for(get_channel_layer().receive(channel), timeout=10)
            assert batch["events"][0]["call"] == "after"
        finally:
            stop.set()
            await running

    run_async(scenario)


def test_a_new_socket_or_a_deploy_refreshes_the_directory_soon_not_at_every_event():
    """A flow's first calls reach its canvas at once: an unknown socket or a deploy event
    makes the directory read again (at most once a second); known sockets do not."""
    queue = make_socket(make_processor(name="proc"), name="sock").queue
    seen = Directory(max_age=3600, min_age=1.0, queues={"sock": "old"}, loaded=time.monotonic() - 2)
    seen.refresh_if_stale([{"kind": "deploy", "action": "create"}])
    assert seen.queues == {"sock": queue.name}
    fresh = Directory(max_age=3600, min_age=1.0, loaded=time.monotonic())
    fresh.refresh_if_stale([call_payload(socket="other")])
    assert fresh.queues == {}, "not twice within min_age"
    known = Directory(max_age=3600, min_age=1.0, queues={"sock": "q"}, loaded=time.monotonic() - 2)
    known.refresh_if_stale([call_payload(socket="sock")])
    assert known.queues == {"sock": "q"}, "a known socket does not make it read"
    known.refresh_if_stale([call_payload(socket="brand-new")])
    assert known.queues == {"sock": queue.name}


@pytest.mark.django_db(transaction=False)
def test_the_autoscalers_decisions_reach_the_processor_and_its_flows():
    scale = {"kind": "scale", "processor": "proc", "from": 1, "to": 3, "reason": "backlog"}
    assert event_topics(scale, flows=("f1",)) == ["processor:proc", "flow:f1"]
