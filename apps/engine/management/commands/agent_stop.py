"""``manage.py agent_stop --name HOST [--kill]``: end an agent cleanly (or at once)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from apps.core.errors import PlatformError
from apps.engine.agent.stopping import agent_stop


class Command(BaseCommand):
    help = "Stop an agent (its workers finish their current calls), or kill it and its workers."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", "-n", required=True, help="The agent's name")
        parser.add_argument("--kill", action="store_true",
                            help="End it and its workers at once (their calls go back to the queue)")
        parser.add_argument("--timeout", type=float, default=20.0, help="Seconds to wait for it to end")

    def handle(self, *args, **options) -> None:
        try:
            status = agent_stop(name=options["name"], kill=options["kill"], timeout=options["timeout"])
        except PlatformError as error:
            raise CommandError(error.message) from None
        verb = "killed" if options["kill"] else "stopped"
        self.stdout.write(f"Agent {options['name']} {verb} (status: {status}).")
