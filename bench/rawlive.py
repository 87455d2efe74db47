"""The baseline of event delivery: a bare websocket relay with no Django, no Channels and no
framing. It reads the same Redis stream (XREAD, blocking) and sends each read, as one
``{"type": "events", "events": [...]}`` message, to every connected client.

    python -m bench.rawlive --port 8766 --redis redis://127.0.0.1:6379/11
"""

from __future__ import annotations

import argparse
import asyncio
import json

import redis.asyncio as aioredis
import websockets

STREAM_KEY = "elasticcode:events"


async def relay(client: aioredis.Redis, clients: set) -> None:
    last = "$"
    while True:
        reply = await client.xread({STREAM_KEY: last}, block=1000, count=500)
        for _key, entries in reply or []:
            events = []
            for sid, fields in entries:
                last = sid
                event = json.loads(fields[b"e"])
                event["sid"] = sid.decode()
                events.append(event)
            if events and clients:
                websockets.broadcast(clients, json.dumps({"type": "events", "events": events}))


async def serve(port: int, redis_url: str) -> None:
    clients: set = set()

    async def handler(ws) -> None:
        async for raw in ws:
            message = json.loads(raw)
            if message.get("type") == "subscribe":
                clients.add(ws)
                await ws.send(json.dumps({"type": "subscribed", "topic": message.get("topic")}))
        clients.discard(ws)

    client = aioredis.Redis.from_url(redis_url)
    async with websockets.serve(handler, "127.0.0.1", port, max_size=None):
        print(f"rawlive listening on {port}", flush=True)
        await relay(client, clients)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--redis", required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.redis))


if __name__ == "__main__":
    main()
