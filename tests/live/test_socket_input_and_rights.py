"""The websocket's boundary: a malformed client frame gets an error frame and the socket
stays open (before, each closed it with 1011 and a traceback); a subscription ends when its
right goes; unknown and unreadable names get the same answer; the CLI's NAME.CHANNEL form
takes broker queue names."""

from __future__ import annotations

import json
import logging

import pytest

from tests.fixtures.api import make_user
from tests.live.conftest import run_async, token_communicator

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("privileges_seeded")]

DEEP = "[" * 100_000 + "]" * 100_000
MALFORMED = [
    ("not-json", {"text_data": "subscribe calls:all"}, "The message is not valid JSON."),
    ("binary", {"bytes_data": b"\x00\x01\x02"}, "Binary frames are not accepted: send a JSON object as text."),
    ("deep-json", {"text_data": DEEP}, "A message is at most 16384 characters."),
    ("deep-short", {"text_data": '{"type": ' + "[" * 8000 + "]" * 8000 + "}"}, "The message is not valid JSON."),
    ("a-list", {"text_data": "[1, 2]"}, 'A message is a JSON object with a "type".'),
    ("null", {"text_data": "null"}, 'A message is a JSON object with a "type".'),
    ("list-type", {"text_data": json.dumps({"type": ["subscribe"]})}, "Unknown message type."),
    ("list-topic", {"text_data": json.dumps({"type": "subscribe", "topic": ["calls:all"]})},
     '"topic" must be a string.'),
    ("dict-channel", {"text_data": json.dumps({"type": "subscribe", "topic": "calls:all", "channel": {"a": 1}})},
     '"channel" must be a string.'),
    ("list-unsubscribe", {"text_data": json.dumps({"type": "unsubscribe", "topic": [1]})},
     '"topic" must be a string.'),
]


@pytest.mark.parametrize(("frame", "message"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_a_malformed_frame_gets_an_error_and_the_socket_stays_open(live_redis, caplog, frame, message):
    comm = token_communicator(make_user("LS_CALLS"))

    async def scenario():
        assert (await comm.connect(timeout=5))[0]
        assert (await comm.receive_json_from())["type"] == "hello"
        await comm.send_to(**frame)
        error = await comm.receive_json_from(timeout=5)
        assert error["type"] == "error"
        if message is not None:
            assert error["message"] == message
        await comm.send_json_to({"type": "subscribe", "topic": "calls:all"})
        assert (await comm.receive_json_from(timeout=5))["type"] == "subscribed"
        assert not comm.future.done()
        await comm.disconnect()

    with caplog.at_level(logging.ERROR):
        run_async(scenario)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


@pytest.mark.parametrize("how", ["right revoked", "deactivated"])
def test_a_subscription_ends_when_the_user_loses_the_right_or_is_deactivated(live_redis, settings, how):
    from channels.db import database_sync_to_async
    from channels.layers import get_channel_layer

    from apps.accounts.services import user_deactivate, user_privilege_revoke
    from apps.live.groups import group_name

    settings.LIVE_RIGHTS_RECHECK_SECONDS = 0.2
    admin = make_user(is_superuser=True)
    watcher = make_user("LS_CALLS")
    comm = token_communicator(watcher)
    batch = {"type": "live.batch", "topic": "calls:all", "seq": 1, "total": 1, "events": [{"kind": "call"}]}

    def take_away():
        if how == "deactivated":
            user_deactivate(user=watcher, by=admin)
        else:
            user_privilege_revoke(user=watcher, right="LS_CALLS", by=admin)

    async def scenario():
        assert (await comm.connect(timeout=5))[0]
        await comm.receive_json_from()
        await comm.send_json_to({"type": "subscribe", "topic": "calls:all"})
        assert (await comm.receive_json_from(timeout=5))["type"] == "subscribed"
        await database_sync_to_async(take_away)()
        ended = await comm.receive_json_from(timeout=10)
        assert ended["type"] == "error"
        if how == "deactivated":
            assert ended["message"] == "Your account was deactivated: this connection is closed."
            closed = await comm.receive_output(timeout=10)
            assert closed == {"type": "websocket.close", "code": 4403}
            return
        assert ended["message"] == "Subscription ended: You need the LS_CALLS right to subscribe to calls:all."
        assert (await comm.receive_json_from(timeout=5)) == {"type": "unsubscribed", "topic": "calls:all"}
        await get_channel_layer().group_send(group_name("calls:all"), batch)
        assert await comm.receive_nothing(timeout=1)
        await comm.disconnect()

    run_async(scenario)


def test_a_name_that_does_not_exist_and_one_you_may_not_read_get_the_same_answer():
    from apps.live.access import Refused, subscription_resolve
    from tests.factories import make_processor, make_socket

    make_socket(make_processor(name="hidden-proc"), name="hidden-sock")
    reader = make_user("READ_PROCESSOR")
    answers = []
    for topic in ("hidden-sock.task", "ghost-sock.task"):
        with pytest.raises(Refused) as refused:
            subscription_resolve(user=reader, topic=topic)
        answers.append(str(refused.value).replace("hidden-sock", "NAME").replace("ghost-sock", "NAME"))
    assert answers[0] == answers[1] == "No processor, socket or queue named 'NAME' that you may read."


def test_the_specifications_broker_queue_name_subscribes_to_its_queue():
    from apps.live.access import subscription_resolve
    from tests.factories import make_processor, make_queue, make_socket

    processor = make_processor(name="proc1")
    make_socket(processor, name="pyfi.processors.sample.do_this", queue=make_queue(name="pyfi.queue1"))
    sub = subscription_resolve(user=make_user("READ_QUEUE"), topic="pyfi.queue1.proc1.task", channel="task")
    assert (str(sub.topic), sub.channel) == ("queue:pyfi.queue1", "task")
