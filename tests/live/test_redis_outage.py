"""Events produced while Redis was down never reach the stream (workers log "event ... not
streamed"; the calls table has them), so the live views catch up from the table: a subscribed
socket stays open through the outage, every subscription gets a ``resync`` (the page reloads
from the API) once Redis is back, and live events flow again, also when Redis came back empty
(its groups and subscriber counts made again). Run on a redis-server of the test's own."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
import redis
from playwright.sync_api import expect
from websockets.asyncio.client import connect

from apps.engine.dispatch import call_submit
from tests.factories import make_processor, make_queue, make_socket
from tests.fixtures.api import make_user
from tests.live.conftest import call_payload, raw_token, reset_clients, run_async, stream_add
from tests.live.pages import DashboardPage, log_in
from tests.live.publisher_wait import subscribed
from tests.live.stack import stack_start, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

TOPICS = ("calls:all", "processor:proc")


async def subscribed_socket(url: str):
    socket = await connect(url, max_size=None)
    assert json.loads(await socket.recv())["type"] == "hello"
    for topic in TOPICS:
        await socket.send(json.dumps({"type": "subscribe", "topic": topic}))
        reply = json.loads(await asyncio.wait_for(socket.recv(), timeout=30))
        assert reply["type"] == "subscribed", reply
    return socket


async def frames_until(socket, done, *, seconds: float = 60) -> list[dict]:
    """Frames until ``done(frames)``; the socket must stay open meanwhile."""
    frames: list[dict] = []
    async with asyncio.timeout(seconds):
        while not done(frames):
            frames.append(json.loads(await socket.recv()))
    return frames


def calls_in(frames: list[dict]) -> set[str]:
    return {event.get("call") for frame in frames if frame["type"] == "events" for event in frame["events"]}


def resyncs_in(frames: list[dict]) -> set[str]:
    return {frame["topic"] for frame in frames if frame["type"] == "resync"}


@pytest.mark.parametrize("how", ["restarted empty", "unreachable, data kept"])
def test_after_a_redis_outage_every_subscription_reloads_and_events_flow_again(
        private_redis, tmp_path, privileges_seeded, settings, how):
    settings.REDIS_URL = private_redis.url
    client = redis.Redis.from_url(private_redis.url, decode_responses=True)
    stack = stack_start(tmp_path, redis_url=private_redis.url, client=client)
    make_processor(name="proc")
    url = f"{stack.ws_url}?token={raw_token(make_user('LS_CALLS', 'READ_PROCESSOR'))}"

    def outage() -> None:
        if how == "restarted empty":
            private_redis.kill()
        else:  # stopped with a snapshot of its data, which it loads when started again
            redis_stop_saving(private_redis, client)
        private_redis.start()

    before, after = str(uuid.uuid4()), str(uuid.uuid4())

    async def scenario():
        socket = await subscribed_socket(url)
        stream_add(client, [call_payload(call=before, processor="proc")])
        await frames_until(socket, lambda frames: before in calls_in(frames))
        await asyncio.get_running_loop().run_in_executor(None, outage)
        frames = await frames_until(socket, lambda frames: resyncs_in(frames) == set(TOPICS))
        await asyncio.get_running_loop().run_in_executor(
            None, lambda: wait_until(lambda: _publisher_reading(client), what="the publisher did not come back",
                                     stack=stack))
        stream_add(client, [call_payload(call=after, processor="proc")])
        frames += await frames_until(socket, lambda frames: after in calls_in(frames))
        await socket.close()
        return frames

    try:
        frames = run_async(scenario)
    finally:
        stack.stop()
        for name in stack.processes:  # shown when the test failed
            print(f"--- {name} log ---\n{stack.log(name)}")
    resync = next(frame for frame in frames if frame["type"] == "resync")
    assert "reload" in resync["message"], resync


def redis_stop_saving(server, client: redis.Redis) -> None:
    """Stop the server with a snapshot of its data (loaded when it starts again)."""
    try:
        client.shutdown(save=True)
    except redis.ConnectionError:
        pass  # the server closed the connection as it went
    server.proc.wait(timeout=30)


def _publisher_reading(client: redis.Redis) -> bool:
    from apps.engine.events import STREAM_KEY
    from apps.live.publisher import GROUP

    try:
        return any(group["name"] == GROUP for group in client.xinfo_groups(STREAM_KEY))
    except redis.RedisError:
        return False


@pytest.mark.browser
def test_a_call_recorded_while_redis_was_down_shows_in_the_open_dashboard_without_a_reload(
        private_redis, tmp_path, privileges_seeded, settings, page, alice, monkeypatch):
    """Redis stops (keeping its data) while the Dashboard is open; a call is recorded meanwhile,
    its event never streamed; when Redis is back the page reloads its lists and shows the call."""
    settings.REDIS_URL = private_redis.url
    reset_clients()
    client = redis.Redis.from_url(private_redis.url, decode_responses=True)
    stack = stack_start(tmp_path, redis_url=private_redis.url, client=client)
    socket = make_socket(make_processor(name="proc1"), name="pyfi.processors.sample.do_something",
                         queue=make_queue(name="pyfi.queue1"))
    monkeypatch.setattr("apps.engine.dispatch.call_publish", lambda **_: None)  # no worker here
    try:
        log_in(page, stack.url, alice)
        dashboard = DashboardPage(page, stack.url).open()
        subscribed(client, "calls:all", stack=stack)
        page.evaluate("window.__loadedAt = performance.timeOrigin")
        redis_stop_saving(private_redis, client)
        unseen = call_submit(socket=socket, args=["while down"], kwargs={})  # "event queued not streamed"
        private_redis.start()
        expect(dashboard.call_state(str(unseen.pk))).to_have_text("queued", timeout=30_000)
        assert page.evaluate("window.__loadedAt") == page.evaluate("performance.timeOrigin"), "no reload"
    finally:
        stack.stop()
        reset_clients()
        for name in stack.processes:
            print(f"--- {name} log ---\n{stack.log(name)}")
