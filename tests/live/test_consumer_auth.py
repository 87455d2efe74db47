"""Websocket authentication (session or API token) and per-topic rights."""

from __future__ import annotations

import uuid

import pytest
from channels.layers import get_channel_layer
from django.test import Client

from apps.flows.models import Flow
from apps.live.groups import group_name
from tests.factories import make_processor, make_queue, make_socket
from tests.fixtures.api import make_user
from tests.live.conftest import communicator, raw_token, run_async, token_communicator

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("privileges_seeded")]

ORIGIN = (b"origin", b"http://localhost:8000")


async def handshake(comm) -> tuple[bool, object]:
    connected, code = await comm.connect(timeout=5)
    return connected, code


def session_headers(user, origin=ORIGIN) -> list:
    client = Client()
    client.force_login(user)
    return [origin, (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())]


def test_an_anonymous_socket_is_closed_with_4401(live_redis):
    async def scenario():
        comm = communicator(headers=[ORIGIN])
        assert await handshake(comm) == (False, 4401)

    run_async(scenario)


def test_a_bad_token_is_closed_with_4401_even_with_a_session(live_redis, alice):
    async def scenario():
        comm = communicator("/ws/?token=ec_not-a-token", headers=session_headers(alice))
        assert await handshake(comm) == (False, 4401)

    run_async(scenario)


def test_a_token_in_the_query_authenticates_without_an_origin(live_redis, alice):
    comm = token_communicator(alice)

    async def scenario():
        assert (await handshake(comm))[0]
        hello = await comm.receive_json_from()
        assert hello["type"] == "hello" and hello["user"] == "alice" and hello["frame_ms"] == 100
        await comm.disconnect()

    run_async(scenario)


def test_a_token_in_the_authorization_header_authenticates(live_redis, alice):
    comm = communicator(headers=[(b"authorization", f"Bearer {raw_token(alice)}".encode())])

    async def scenario():
        assert (await handshake(comm))[0]
        assert (await comm.receive_json_from())["user"] == "alice"
        await comm.disconnect()

    run_async(scenario)


def test_a_session_authenticates_from_an_allowed_origin_only(live_redis, alice):
    good = communicator(headers=session_headers(alice))
    foreign = communicator(headers=session_headers(alice, origin=(b"origin", b"http://evil.example")))

    async def scenario():
        assert (await handshake(good))[0]
        assert (await good.receive_json_from())["user"] == "alice"
        await good.disconnect()
        assert (await handshake(foreign))[0] is False

    run_async(scenario)


TOPICS = [
    ("calls:all", "LS_CALLS"), ("processor:p1", "READ_PROCESSOR"), ("metrics", "READ_PROCESSOR"),
    ("nodes", "LS_NODES"), ("run:{run}", "READ_CALL"), ("flow:f1", "READ_FLOW"),
    ("socket:s1", "READ_SOCKET"), ("queue:q1", "READ_QUEUE"), ("queues", "LS_QUEUES"),
]


@pytest.fixture
def named_objects():
    processor = make_processor(name="p1")
    make_socket(processor, name="s1", queue=make_queue(name="q1"))
    Flow.objects.create(name="f1")


@pytest.mark.parametrize(("topic", "right"), TOPICS, ids=[t for t, _ in TOPICS])
def test_each_topic_needs_its_right(live_redis, named_objects, topic, right):
    topic = topic.format(run=uuid.uuid4())
    holder = token_communicator(make_user(right))
    without = token_communicator(make_user("LS_PROCESSORS"))

    async def scenario():
        for comm in (holder, without):
            assert (await handshake(comm))[0]
            await comm.receive_json_from()
            await comm.send_json_to({"type": "subscribe", "topic": topic})
        subscribed = await holder.receive_json_from()
        assert subscribed == {"type": "subscribed", "topic": topic, "channel": None, "seq": 0, "total": 0,
                              "sid": "0-0"}
        refused = await without.receive_json_from()
        assert refused == {"type": "error", "topic": topic,
                           "message": f"You need the {right} right to subscribe to {topic}."}
        for comm in (holder, without):
            await comm.disconnect()

    run_async(scenario)


def test_a_refused_subscription_delivers_nothing(live_redis):
    bob = token_communicator(make_user("READ_PROCESSOR"))

    async def scenario():
        await handshake(bob)
        await bob.receive_json_from()
        await bob.send_json_to({"type": "subscribe", "topic": "calls:all"})
        assert (await bob.receive_json_from())["type"] == "error"
        message = {"type": "live.batch", "topic": "calls:all", "seq": 1, "total": 1, "events": [{"kind": "call"}]}
        await get_channel_layer().group_send(group_name("calls:all"), message)
        assert await bob.receive_nothing(timeout=0.5)
        await bob.disconnect()

    run_async(scenario)


def test_the_cli_form_name_dot_channel_subscribes_to_the_processor_channel(live_redis, named_objects, alice):
    comm = token_communicator(alice)

    async def scenario():
        await handshake(comm)
        await comm.receive_json_from()
        await comm.send_json_to({"type": "subscribe", "topic": "p1.task"})
        assert await comm.receive_json_from() == {
            "type": "subscribed", "topic": "processor:p1", "channel": "task", "seq": 0, "total": 0, "sid": "0-0"}
        await comm.send_json_to({"type": "subscribe", "topic": "q1", "channel": "metric"})
        assert (await comm.receive_json_from())["message"].startswith("Unknown topic 'q1'")
        await comm.send_json_to({"type": "subscribe", "topic": "queue:q1", "channel": "log"})
        assert (await comm.receive_json_from())["channel"] == "log"
        await comm.send_json_to({"type": "subscribe", "topic": "processor:nope"})
        assert (await comm.receive_json_from())["message"] == "No processor is named 'nope'."
        await comm.send_json_to({"type": "subscribe", "topic": "run:123"})
        assert (await comm.receive_json_from())["message"] == "'123' is not a run id."
        await comm.send_json_to({"type": "dance"})
        assert (await comm.receive_json_from())["message"] == "Unknown message type."
        await comm.disconnect()

    run_async(scenario)
