"""``manage.py live_publisher``: fan the event stream out to websocket groups until stopped."""

from __future__ import annotations

import asyncio
import signal

from django.core.management.base import BaseCommand

from apps.live.publisher import publisher_from_settings, run


class Command(BaseCommand):
    help = "Publish live events from the Redis event stream to websocket subscribers."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--consumer", help="Consumer name in the stream's group (default: publisher-HOSTNAME)")

    def handle(self, *args, **options) -> None:
        asyncio.run(self._run(options.get("consumer")))

    async def _run(self, consumer: str | None) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        pub = publisher_from_settings(**({"consumer": consumer} if consumer else {}))
        self.stdout.write(f"live publisher {pub.consumer} reading {pub.stream}")
        await run(pub, stop=stop)
