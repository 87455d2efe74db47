"""A reconnecting client subscribes with ``after`` the last stream id it saw and gets what it
missed (only what the topic would have delivered live), then the live events: none twice,
none lost; or a ``resync`` when the stream no longer holds them."""

from __future__ import annotations

import time

import pytest

from apps.engine.events import STREAM_KEY
from apps.live import counters
from apps.live.directory import Directory
from apps.live.publisher import Publisher, entries_read, group_ensure, tick
from tests.factories import make_processor
from tests.fixtures.api import make_user
from tests.live.conftest import call_payload, run_async, stream_add, token_communicator

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("privileges_seeded")]


def publisher() -> Publisher:
    directory = Directory(max_age=3600, queues={}, flows={}, loaded=time.monotonic())
    return Publisher(client=counters.redis_async(), directory=directory)


async def connected(user, topic: str, **subscribe) -> tuple[object, dict]:
    comm = token_communicator(user)
    assert (await comm.connect(timeout=5))[0]
    assert (await comm.receive_json_from())["type"] == "hello"
    await comm.send_json_to({"type": "subscribe", "topic": topic, **subscribe})
    return comm, await comm.receive_json_from(timeout=5)


async def frame_of(comm) -> dict:
    frame = await comm.receive_json_from(timeout=10)
    assert frame["type"] == "events" and "gaps" not in frame, frame
    return frame


async def publish(pub: Publisher, live_redis, payloads: list[dict]) -> None:
    stream_add(live_redis, payloads)
    while await tick(pub, await entries_read(pub)):
        pass


def test_a_reconnect_with_after_gets_exactly_the_missed_events_then_the_live_ones(live_redis):
    user = make_user("LS_CALLS")

    async def scenario():
        pub = publisher()
        await group_ensure(pub)
        first, subscribed = await connected(user, "calls:all")
        assert subscribed["sid"] == "0-0"
        await publish(pub, live_redis, [call_payload(name="before") for _ in range(2)])
        seen = await frame_of(first)
        last = seen["sids"]["calls:all"]
        assert last == seen["events"][-1]["sid"]
        await first.disconnect()
        missed = [call_payload(name=f"missed-{i}") for i in range(5)]
        await publish(pub, live_redis, missed)  # nobody listens: the publisher sends nothing

        again, subscribed = await connected(user, "calls:all", after=last)
        assert subscribed["replayed"] == 5
        replayed = await frame_of(again)
        assert [e["name"] for e in replayed["events"]] == [p["name"] for p in missed]
        assert subscribed["sid"] == replayed["sids"]["calls:all"] == replayed["events"][-1]["sid"]
        await publish(pub, live_redis, [call_payload(name="live")])
        live = await frame_of(again)
        assert [e["name"] for e in live["events"]] == ["live"]
        assert await again.receive_nothing(timeout=0.3)
        await again.disconnect()

    run_async(scenario)


def test_a_replay_holds_only_what_the_user_could_read_live(live_redis):
    make_processor(name="mine")
    make_processor(name="theirs")
    reader = make_user("READ_PROCESSOR")
    no_calls = make_user("READ_PROCESSOR")

    async def scenario():
        pub = publisher()
        await group_ensure(pub)
        await publish(pub, live_redis, [call_payload(processor="mine", name="seen")])
        after = live_redis.xrevrange(STREAM_KEY, count=1)[0][0]
        await publish(pub, live_redis, [call_payload(processor="theirs", name="other"),
                                        call_payload(processor="mine", name="missed")])
        comm, subscribed = await connected(reader, "processor:mine", after=after)
        assert subscribed["replayed"] == 1
        assert [e["name"] for e in (await frame_of(comm))["events"]] == ["missed"]
        refused, error = await connected(no_calls, "calls:all", after=after)
        assert error["type"] == "error" and "LS_CALLS" in error["message"]
        assert await refused.receive_nothing(timeout=0.5)
        for each in (comm, refused):
            await each.disconnect()

    run_async(scenario)


def test_when_the_stream_no_longer_holds_the_id_then_the_client_is_told_to_resync(live_redis):
    user = make_user("LS_CALLS")

    async def scenario():
        pub = publisher()
        await group_ensure(pub)
        await publish(pub, live_redis, [call_payload(name="old")])
        after = live_redis.xrevrange(STREAM_KEY, count=1)[0][0]
        await publish(pub, live_redis, [call_payload(name=f"gone-{i}") for i in range(3)])
        live_redis.xtrim(STREAM_KEY, maxlen=1, approximate=False)  # "old" and two after it are trimmed
        comm, subscribed = await connected(user, "calls:all", after=after)
        assert subscribed["type"] == "subscribed" and subscribed["replayed"] == 0
        assert subscribed["sid"] == live_redis.xrevrange(STREAM_KEY, count=1)[0][0]
        resync = await comm.receive_json_from(timeout=5)
        assert resync["type"] == "resync" and resync["topic"] == "calls:all" and "reload" in resync["message"]
        await publish(pub, live_redis, [call_payload(name="live")])
        assert [e["name"] for e in (await frame_of(comm))["events"]] == ["live"]
        await comm.disconnect()

    run_async(scenario)
