"""``manage.py worker --processor NAME``: mount the processor and serve its sockets.

``--standby`` (used by agents) waits, warmed up, to be told the processor on stdin.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from apps.core.errors import PlatformError
from apps.engine.agent.standby import standby_assignment, standby_log_to, standby_preload
from apps.engine.mounting import processor_mount
from apps.engine.mounts.errors import MountError
from apps.engine.worker import WorkerSetupError, worker_run
from apps.processors.models import Processor


class Command(BaseCommand):
    help = "Run a Celery worker for one processor (mounts its code first)."
    requires_system_checks: list[str] = []  # a worker serves no URLs; start fast

    def add_arguments(self, parser) -> None:
        parser.add_argument("--processor", "-n", help="Processor name")
        parser.add_argument("--concurrency", "-c", type=int, default=None, help="Worker processes")
        parser.add_argument("--hostname", default=None, help="Host name to register under")
        parser.add_argument("--loglevel", "-l", default="INFO")
        parser.add_argument("--paused", action="store_true", help="Start without taking calls")
        parser.add_argument("--agent", default=None,
                            help="The agent that started this worker: stop taking calls once it is gone")
        parser.add_argument("--standby", action="store_true",
                            help="Warm up, then read the processor to serve from stdin (agents use it)")

    def handle(self, *args, **options) -> None:
        if options["standby"]:
            if not self._assigned(options):
                return
        elif not options["processor"]:
            raise CommandError("--processor is required (or --standby).")
        processor = Processor.objects.filter(name=options["processor"]).first()
        if processor is None:
            raise CommandError(f"No processor named '{options['processor']}'.")
        self.stdout.write(f"Mounting {processor.name} from {processor.gitrepo} …")
        try:
            mount = processor_mount(processor=processor, reuse_ready=True)
        except MountError as error:
            raise CommandError(f"Could not mount {processor.name} ({error.stage}): {error.message}") from None
        except PlatformError as error:
            raise CommandError(f"Could not mount {processor.name}: {error.message} {error.detail or ''}") from None
        self.stdout.write(f"Mounted at commit {mount.commit[:12]}; starting the worker.")
        concurrency = options["concurrency"] or processor.concurrency
        try:
            worker_run(processor=processor, mount=mount, concurrency=concurrency,
                       hostname=options["hostname"], loglevel=options["loglevel"], paused=options["paused"],
                       agent=options["agent"])
        except WorkerSetupError as error:
            raise CommandError(str(error)) from None

    def _assigned(self, options: dict) -> bool:
        """Wait for the agent's assignment and take it into ``options``; False: none came."""
        standby_preload()
        spec = standby_assignment()
        if spec is None:
            return False
        if spec.get("log"):
            standby_log_to(spec["log"])
        options.update(processor=spec["processor"], concurrency=spec.get("concurrency"),
                       paused=bool(spec.get("paused")))
        return True
