"""A burst of 5,000 events reaches 20 subscribed clients of a real daphne as bounded
batches, with exact totals: nothing lost, nothing counted twice."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from websockets.asyncio.client import connect

from tests.fixtures.api import make_user
from tests.live.conftest import call_payload, raw_token, run_async, stream_add

pytestmark = pytest.mark.django_db(transaction=True)

EVENTS = 5000
CLIENTS = 20
FRAME_MAX = 500  # settings.LIVE_FRAME_MAX
FRAME_MS = 100  # settings.LIVE_FRAME_MS
FRAMES_PER_SECOND = 2000  # settings.LIVE_FRAMES_PER_SECOND
# 20 busy connections share the process's frames: each sends at most one per 10 ms.
FRAME_INTERVAL = min(FRAME_MS / 1000, CLIENTS / FRAMES_PER_SECOND)


async def subscribed_client(url: str) -> object:
    socket = await connect(url, max_size=None)
    assert json.loads(await socket.recv())["type"] == "hello"
    await socket.send(json.dumps({"type": "subscribe", "topic": "calls:all"}))
    reply = json.loads(await socket.recv())
    assert reply["type"] == "subscribed", reply
    return socket


async def collect(socket, expected: int) -> list[tuple[float, dict]]:
    """Frames (with arrival times) until ``expected`` events or a gap arrived."""
    frames, seen = [], 0
    while seen < expected:
        frame = json.loads(await asyncio.wait_for(socket.recv(), timeout=30))
        assert frame["type"] == "events", frame
        frames.append((time.monotonic(), frame))
        seen += len(frame["events"])
        assert "gaps" not in frame, frame["gaps"]
    return frames


def test_a_burst_of_5000_events_reaches_20_clients_in_bounded_batches_with_exact_totals(
        live_stack, live_redis, figures):
    url = f"{live_stack.ws_url}?token={raw_token(make_user('LS_CALLS'))}"
    burst = [call_payload(call=f"c{i}", run="r", state="running", event="prerun") for i in range(EVENTS)]

    async def scenario():
        clients = [await subscribed_client(url) for _ in range(CLIENTS)]
        started = time.monotonic()
        stream_add(live_redis, burst)
        received = await asyncio.gather(*(collect(c, EVENTS) for c in clients))
        elapsed = time.monotonic() - started
        stats = []
        for client in clients:
            await client.send(json.dumps({"type": "stats"}))
            stats.append(json.loads(await client.recv()))
            await client.close()
        return received, elapsed, stats

    received, elapsed, stats = run_async(scenario)
    for frames in received:
        events = [event for _at, frame in frames for event in frame["events"]]
        assert [e["call"] for e in events] == [f"c{i}" for i in range(EVENTS)], "all, once, in order"
        assert len({e["sid"] for e in events}) == EVENTS
        assert max(len(frame["events"]) for _at, frame in frames) <= FRAME_MAX
        totals = [frame["topics"]["calls:all"] for _at, frame in frames]
        assert totals[-1]["total"] == EVENTS and sum(t["count"] for t in totals) == EVENTS
        span = frames[-1][0] - frames[0][0]  # arrival times jitter; the pace holds on average
        assert span >= (len(frames) - 1) * FRAME_INTERVAL * 0.8, "at most one frame per 10 ms"
    for reply in stats:
        assert {k: reply["connection"][k] for k in ("received", "delivered", "missed", "shed", "duplicates")} == {
            "received": EVENTS, "delivered": EVENTS, "missed": 0, "shed": 0, "duplicates": 0}
    totals = stats[-1]["totals"]
    assert (totals["read"], totals["acked"], totals["sent"]) == (EVENTS, EVENTS, EVENTS)
    assert (totals["delivered"], totals["missed"], totals["shed"]) == (EVENTS * CLIENTS, 0, 0)
    frame_counts = [len(frames) for frames in received]
    figures["burst"] = (
        f"{EVENTS} events x {CLIENTS} clients: delivered {totals['delivered']}, missed 0, in {elapsed:.2f} s; "
        f"frames per client {min(frame_counts)}-{max(frame_counts)} (max {FRAME_MAX} events each), "
        f"publisher batches {totals['batches']}")
