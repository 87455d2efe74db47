"""Sockets created, changed and deleted reach every open page as live events: the
``sockets`` topic (LS_SOCKETS) and the socket's processor's topic, once the change commits,
whichever door made it (the API, a flow's deploy, the CLI all call the same services)."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from apps.core import live_events
from apps.engine import events
from apps.live import counters
from apps.live.groups import event_topics
from apps.live.publisher import Publisher, entries_read, group_ensure, tick
from apps.processors.models import Socket
from apps.processors.services import socket_create, socket_delete, socket_update
from tests.factories import make_processor, make_queue
from tests.fixtures.api import make_user
from tests.live.conftest import run_async, token_communicator, ws_ask, ws_joined

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("privileges_seeded")]


def test_the_core_door_writes_the_engines_stream():
    assert (live_events.STREAM_KEY, live_events.STREAM_MAXLEN) == (events.STREAM_KEY, events.STREAM_MAXLEN)


def test_a_processor_status_event_goes_to_the_processors_topics():
    event = {"kind": "processor", "processor": "p1", "id": "x", "status": "running"}
    assert event_topics(event) == ["processors", "processor:p1"]


def test_a_socket_event_goes_to_the_sockets_its_own_and_its_processors_topics():
    event = {"kind": "socket", "event": "updated", "socket": "s1", "processor": "p2", "previous_processor": "p1"}
    assert event_topics(event) == ["sockets", "socket:s1", "processor:p2", "processor:p1"]


async def _socket_events(comm, count: int) -> list[dict]:
    seen: list[dict] = []
    while len(seen) < count:
        frame = await comm.receive_json_from(timeout=15)
        assert frame["type"] == "events", frame
        seen += [event for event in frame["events"] if event["kind"] == "socket"]
    return seen


def test_socket_changes_stream_to_readers_of_sockets_and_of_the_processor_only(live_redis, alice):
    proc1, proc2 = make_processor(name="proc1"), make_processor(name="proc2")
    queue = make_queue(name="q1")
    lister = token_communicator(make_user("LS_SOCKETS"))
    page = token_communicator(make_user("READ_PROCESSOR"))
    outsider = token_communicator(make_user("LS_CALLS", "READ_PROCESSOR"))

    def changes() -> None:
        socket = socket_create(by=alice, fields={"name": "s1", "processor": proc1, "task": "do_this", "queue": queue})
        socket = socket_update(socket=socket, by=alice, fields={"processor": proc2})
        socket_delete(socket=Socket.objects.get(pk=socket.pk), by=alice)

    async def scenario():
        for comm in (lister, page, outsider):
            await ws_joined(comm)
        assert (await ws_ask(lister, "sockets"))["type"] == "subscribed"
        assert (await ws_ask(page, "processor:proc1"))["type"] == "subscribed"
        refused = await ws_ask(outsider, "sockets")
        assert refused["type"] == "error" and "LS_SOCKETS" in refused["message"], refused
        assert (await ws_ask(outsider, "processor:other"))["type"] == "error"
        pub = Publisher(client=counters.redis_async())
        await group_ensure(pub)
        await database_sync_to_async(changes)()
        while await tick(pub, await entries_read(pub)):
            pass
        listed = await _socket_events(lister, 3)
        assert [(e["event"], e["socket"], e["processor"]) for e in listed] == [
            ("created", "s1", "proc1"), ("updated", "s1", "proc2"), ("deleted", "s1", "proc2")]
        assert (listed[0]["task"], listed[0]["queue"]) == ("do_this", "q1")
        moved = await _socket_events(page, 2)  # proc1's page sees the socket come, then leave
        assert [(e["event"], e.get("previous_processor")) for e in moved] == [("created", None), ("updated", "proc1")]
        assert await page.receive_nothing(timeout=1)
        assert await outsider.receive_nothing(timeout=1)
        for comm in (lister, page, outsider):
            await comm.disconnect()

    run_async(scenario)


def test_a_change_rolled_back_publishes_nothing(live_redis, alice):
    from django.db import transaction

    proc = make_processor(name="proc1")
    before = live_redis.xlen(events.STREAM_KEY) if live_redis.exists(events.STREAM_KEY) else 0
    with pytest.raises(RuntimeError), transaction.atomic():
        socket_create(by=alice, fields={"name": "s1", "processor": proc, "task": "do_this", "queue": make_queue()})
        raise RuntimeError("the request failed after the write")
    assert (live_redis.xlen(events.STREAM_KEY) if live_redis.exists(events.STREAM_KEY) else 0) == before
    assert not Socket.objects.filter(name="s1").exists()
