"""Start a Celery worker for one processor: consume its sockets' queues with its mount.

``flow worker start`` and the agent call ``worker_run``; the worker's prefork children
inherit the context and each starts its own runner subprocess on first use.
"""

from __future__ import annotations

import logging
import os
import socket as net

from celery import signals as celery_signals
from django.conf import settings
from django.utils import timezone
from kombu import Exchange
from kombu import Queue as KombuQueue

from apps.core.crypto import secret_decrypt
from apps.core.models import Status
from apps.engine.agent.watch import agent_watch_start
from apps.engine.execution import WorkerContext
from apps.engine.mounts.mount import Mount
from apps.engine.queues import TASK_NAME, destination_queue, processor_destinations
from apps.engine.recording import WorkerIdentity
from apps.engine.runner_client import runner_script_path
from apps.engine.runner_user import RunnerUser, process_undumpable, runner_user_choose
from apps.network.models import Agent, Deployment, Worker
from apps.network.notify import control_publish
from apps.processors.models import Processor
from apps.processors.repositories import repo_redact
from flowsite.celery import app as celery_app

logger = logging.getLogger(__name__)

_CONTEXT: WorkerContext | None = None


class WorkerSetupError(Exception):
    """The processor cannot be served (no sockets, no mount)."""


def current_context() -> WorkerContext:
    if _CONTEXT is None:
        raise WorkerSetupError("This process is not a processor worker (start one with flow worker start).")
    return _CONTEXT


def processor_secrets(processor: Processor) -> dict[str, str]:
    if processor.password is None:
        return {}
    env_name = "".join(c if c.isalnum() else "_" for c in processor.password.name).upper()
    return {env_name: secret_decrypt(processor.password.ciphertext)}


def worker_queues(processor: Processor):
    """Its sockets' queues and the queues of the plugs into them (apps.engine.queues)."""
    if not processor.sockets.exists():
        raise WorkerSetupError(f"Processor '{processor.name}' has no sockets: add one (flow add socket).")
    destinations = processor_destinations(processor_ids=[processor.pk])[str(processor.pk)]
    return [destination_queue(d) for d in destinations.values()]


def parking_queue(node_name: str) -> KombuQueue:
    """A queue no call is sent to. A worker started paused consumes only this one (Celery
    needs one) until its agent adds the real queues; it vanishes with the worker."""
    name = f"elasticcode.parked.{node_name}"
    # The default exchange: nothing to declare, so nothing is left behind on the broker.
    return KombuQueue(name, Exchange(""), routing_key=name, durable=False, auto_delete=True)


def worker_node_name(*, processor_name: str, hostname: str, pid: int) -> str:
    """The Celery node name of one worker process. The pid keeps it unique: a replacement
    starts while the worker it replaces still finishes its calls, and RabbitMQ gives each
    node's control queue to one connection only."""
    return f"{processor_name}.{pid}@{hostname}"


def worker_register(*, processor: Processor, hostname: str, concurrency: int) -> Worker:
    """The worker's row, linked to the agent and deployment of its host when there are ones."""
    name = f"{processor.name}@{hostname}"
    agent = Agent.objects.filter(hostname=hostname).first()
    deployment = Deployment.objects.filter(processor=processor, hostname=hostname).first()
    if deployment is not None:
        Worker.objects.filter(deployment=deployment).exclude(name=name).update(deployment=None)
    worker, _ = Worker.objects.update_or_create(
        name=name,
        defaults={"processor": processor, "hostname": hostname, "concurrency": concurrency,
                  "process": os.getpid(), "broker": repo_redact(celery_app.conf.broker_url or ""),
                  "status": Status.STARTING, "agent": agent, "deployment": deployment},
    )
    return worker


def worker_protect(*, processor: Processor, mount: Mount) -> RunnerUser | None:
    """Keep user code out of this worker and the platform's files (apps/engine/runner_user.py):
    make the worker non-dumpable, and choose the unprivileged user its runners start as.
    ``None``, said loudly: user code runs as the worker's own user."""
    if not process_undumpable():
        logger.warning("SECURITY WARNING: could not make worker %s non-dumpable (prctl(PR_SET_DUMPABLE) "
                       "is Linux only): code of the same user can read its environment.", processor.name)
    user, why = runner_user_choose(settings.RUNNER_USER, python=mount.python, source=mount.path,
                                   script=runner_script_path())
    if user is None:
        logger.warning(
            "SECURITY WARNING: the code of processor %s runs as the worker's own user, not an unprivileged "
            "one: %s. It can read what that user can read (the state folder, settings, the database file). "
            "Run the worker as root with RUNNER_USER (default elasticcode-runner, created by bin/setup).",
            processor.name, why)
    else:
        logger.info("the code of processor %s runs as user %s (uid %s)", processor.name, user.name, user.uid)
    return user


def _ready_handler(worker: Worker):
    def ready(**_) -> None:
        Worker.objects.filter(pk=worker.pk).update(status=Status.RUNNING, heartbeat=timezone.now())
        control_publish({"worker": worker.name, "status": Status.RUNNING})

    return ready


def worker_run(*, processor: Processor, mount: Mount, concurrency: int, hostname: str | None = None,
               loglevel: str = "INFO", paused: bool = False, agent: str | None = None) -> None:
    """Block running the worker until it is stopped (SIGTERM: warm shutdown).

    ``paused``: start without taking calls (the agent resumes it with add_consumer). Once
    the worker is ready, its row turns running and agents hear it on the control channel.
    ``agent``: the agent that started it; the worker stops once that agent is gone
    (apps.engine.agent.watch).
    """
    global _CONTEXT
    hostname = hostname or net.gethostname()
    queues = worker_queues(processor)
    runner_user = worker_protect(processor=processor, mount=mount)
    row = worker_register(processor=processor, hostname=hostname, concurrency=concurrency)
    _CONTEXT = WorkerContext(
        processor_id=str(processor.pk), python=mount.python, source=mount.path, commit=mount.commit,
        who=WorkerIdentity(hostname=hostname, worker_id=str(row.pk),
                           agent_id=str(row.agent_id) if row.agent_id else None,
                           node_id=str(row.agent.node_id) if row.agent else None),
        secrets=processor_secrets(processor), runner_user=runner_user,
    )
    node_name = worker_node_name(processor_name=processor.name, hostname=hostname, pid=os.getpid())
    parking = parking_queue(node_name)
    celery_app.conf.task_queues = [*queues, parking]
    celery_signals.worker_ready.connect(_ready_handler(row), weak=False)
    if processor.ratelimit:
        celery_app.conf.task_annotations = {TASK_NAME: {"rate_limit": processor.ratelimit}}
    if agent:
        agent_watch_start(agent=agent, worker=row.name)
    celery_app.worker_main([
        "worker", "-Q", parking.name if paused else ",".join(q.name for q in queues), "-c", str(concurrency),
        "-n", node_name, "-P", "prefork", "-l", loglevel, "--without-gossip", "--without-mingle",
        "-O", "fair",
    ])
