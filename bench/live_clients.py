"""Websocket clients of the event-delivery benchmark, in their own process.

Connects ``--clients`` sockets to ``--url``, subscribes each to ``calls:all``, prints
``READY``, then counts every event that carries ``t0`` (the producer's time.time()) and
its delivery latency. When a line ``DONE <produced>`` arrives on stdin it waits up to
``--grace`` seconds for the rest and prints one JSON line: latencies, per-client counts,
the gaps the server reported, and what went missing without being reported.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

import websockets

from bench.benchstats import latency_stats


class Client:
    def __init__(self) -> None:
        self.seen: set[int] = set()
        self.duplicates = 0
        self.reported_missing = 0
        self.latencies: list[float] = []
        self.closed: str | None = None  # why the server closed the socket, if it did


async def client_run(url: str, client: Client, ready: asyncio.Event, started: list) -> None:
    try:
        await _client_loop(url, client, ready, started)
    except websockets.ConnectionClosed as closed:
        client.closed = (f"{closed.rcvd.code if closed.rcvd else '?'}"
                         f" {closed.rcvd.reason if closed.rcvd else ''}").strip()
        if client not in started:
            raise


async def _client_loop(url: str, client: Client, ready: asyncio.Event, started: list) -> None:
    async with websockets.connect(url, max_size=None, open_timeout=60) as ws:
        await ws.send(json.dumps({"type": "subscribe", "topic": "calls:all"}))
        async for raw in ws:
            message = json.loads(raw)
            kind = message.get("type")
            if kind == "subscribed":
                started.append(client)
                ready.set()
            elif kind == "events":
                now = time.time()
                for gap in message.get("gaps") or []:
                    client.reported_missing += int(gap.get("missed") or 0)
                for event in message["events"]:
                    n = event.get("n")
                    if n is None:
                        continue
                    if n in client.seen:
                        client.duplicates += 1
                        continue
                    client.seen.add(n)
                    client.latencies.append((now - event["t0"]) * 1000)
            elif kind == "error":
                print(f"server error: {message}", file=sys.stderr, flush=True)


async def main_async(args) -> None:
    clients = [Client() for _ in range(args.clients)]
    started: list = []
    ready = asyncio.Event()
    tasks = []
    for client in clients:
        tasks.append(asyncio.create_task(client_run(args.url, client, ready, started)))
        await asyncio.sleep(0.01)
    deadline = time.monotonic() + 60
    while len(started) < len(clients):
        failed = [t for t in tasks if t.done() and t.exception()]
        if failed:
            raise failed[0].exception()
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {len(started)} of {len(clients)} clients subscribed")
        await asyncio.sleep(0.05)
    print("READY", flush=True)
    line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    produced = int(line.split()[1])
    # Late is not lost: wait while events still arrive (up to --grace s with no progress).
    last, quiet_since, give_up = -1, time.monotonic(), time.monotonic() + args.max_wait
    while any(len(c.seen) < produced for c in clients if c.closed is None) and time.monotonic() < give_up:
        count = sum(len(c.seen) for c in clients)
        if count != last:
            last, quiet_since = count, time.monotonic()
        elif time.monotonic() - quiet_since > args.grace:
            break
        await asyncio.sleep(0.05)
    latencies = [value for c in clients for value in c.latencies]
    received = [len(c.seen) for c in clients]
    missing = [produced - len(c.seen) for c in clients]
    out = {**latency_stats(latencies), "produced": produced, "clients": len(clients),
           "deliveries": sum(received), "missing": sum(missing),
           "reported_missing": sum(c.reported_missing for c in clients),
           "duplicates": sum(c.duplicates for c in clients),
           "closed_by_server": sorted({c.closed for c in clients if c.closed}),
           "clients_closed": sum(1 for c in clients if c.closed),
           "silent_loss": sum(max(0, m - c.reported_missing) for m, c in zip(missing, clients))}
    print(json.dumps(out), flush=True)
    for task in tasks:
        task.cancel()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--clients", type=int, required=True)
    parser.add_argument("--grace", type=float, default=3.0, help="seconds without progress before giving up")
    parser.add_argument("--max-wait", type=float, default=15.0, help="seconds at most after the producer ends")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
