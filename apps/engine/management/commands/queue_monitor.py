"""``manage.py queue_monitor``: sample every socket queue each tick until stopped."""

from __future__ import annotations

import signal

from django.core.management.base import BaseCommand, CommandError

from apps.engine.monitor.loop import (
    MAX_INTERVAL,
    MIN_INTERVAL,
    interval_clamp,
    monitor_from_settings,
    run,
)
from apps.network.models import Network


class Command(BaseCommand):
    help = "Run the queue monitor (one per network is elected; the others wait)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--interval", type=float, default=1.0,
                            help=f"Seconds between samples, {MIN_INTERVAL} to {MAX_INTERVAL} (default 1).")
        parser.add_argument("--network", help="Monitor this network's queues only (default: every queue).")

    def handle(self, *args, **options) -> None:
        network_id = None
        if options.get("network"):
            network = Network.objects.filter(name=options["network"]).first()
            if network is None:
                raise CommandError(f"No network is named {options['network']!r}.")
            network_id = str(network.pk)
        interval = interval_clamp(options["interval"])
        stopping = []
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stopping.append(True))
        monitor = monitor_from_settings(interval=interval, network_id=network_id)
        self.stdout.write(f"queue monitor sampling every {interval:g} s (token {monitor.election.token[:8]})")
        self.stdout.flush()
        run(monitor, interval=interval, should_stop=lambda: bool(stopping))
