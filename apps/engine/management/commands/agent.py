"""``manage.py agent --name HOST --cpus N``: run this node's agent until stopped."""

from __future__ import annotations

import os
import socket

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.core.errors import PlatformError
from apps.engine.agent.agent import AgentConfig, agent_run


class Command(BaseCommand):
    help = "Run the agent of this node: heartbeats, and one worker per deployment placed on it."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", "-n", default=socket.gethostname(),
                            help="Hostname for this agent (its node's name); default: the machine's")
        parser.add_argument("--cpus", "-cp", type=int, default=os.cpu_count() or 1,
                            help="CPUs this node offers to deployments; default: all")
        parser.add_argument("--queues", "-q", action="store_true",
                            help="Monitor only: heartbeat and watch the network, run no workers")
        parser.add_argument("--network", default=None, help="Network this node belongs to (default: all)")

    def handle(self, *args, **options) -> None:
        if options["cpus"] < 1:
            raise CommandError("--cpus must be at least 1.")
        config = AgentConfig(name=options["name"], cpus=options["cpus"], monitor_only=options["queues"],
                             network=options["network"], heartbeat=float(settings.AGENT_HEARTBEAT),
                             standby=settings.AGENT_STANDBY)
        try:
            agent_run(config)
        except PlatformError as error:
            raise CommandError(error.message) from None
