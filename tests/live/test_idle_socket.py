"""An idle subscribed websocket stays open: the channel layer's blocking read for the next
message must never outlast its Redis socket's timeout (redis-py 8 sets 5 s by default, the
same as channels_redis's BZPOPMIN; the race closed idle sockets with 1011 every 5-10 s)."""

from __future__ import annotations

import asyncio

import pytest
from channels.layers import get_channel_layer

from apps.live.groups import group_name
from tests.fixtures.api import make_user
from tests.live.conftest import run_async, token_communicator

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("privileges_seeded")]

IDLE_SECONDS = 60


def test_an_idle_subscribed_socket_stays_open_and_still_delivers(live_redis):
    comm = token_communicator(make_user("LS_CALLS"))

    async def scenario():
        assert (await comm.connect(timeout=10))[0]
        assert (await comm.receive_json_from(timeout=10))["type"] == "hello"
        await comm.send_json_to({"type": "subscribe", "topic": "calls:all"})
        assert (await comm.receive_json_from(timeout=10))["type"] == "subscribed"
        await asyncio.sleep(IDLE_SECONDS)
        assert not comm.future.done(), f"the consumer ended while idle: {comm.future.exception()!r}"
        await comm.send_json_to({"type": "ping"})
        assert (await comm.receive_json_from(timeout=10)) == {"type": "pong"}
        batch = {"type": "live.batch", "topic": "calls:all", "seq": 1, "total": 1,
                 "events": [{"kind": "call", "call": "after-idle"}]}
        await get_channel_layer().group_send(group_name("calls:all"), batch)
        frame = await comm.receive_json_from(timeout=10)
        assert "after-idle" in str(frame), frame
        await comm.disconnect()

    run_async(scenario)
