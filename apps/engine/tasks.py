"""The one Celery task of processor workers: run a call by id (thin; see execution.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from celery import shared_task
from celery.signals import task_prerun, worker_process_init
from django.db import InterfaceError, OperationalError, close_old_connections, connection, connections

from apps.engine import worker
from apps.engine.execution import Outcome, call_execute, call_retry_later
from apps.engine.queues import TASK_NAME
from apps.engine.sql import writes_durable

logger = logging.getLogger(__name__)


@worker_process_init.connect
def database_connections_keep(**_) -> None:
    """A worker child keeps its database connection from call to call (CELERY_DB_REUSE_MAX
    stops Celery closing it around each task), unless DB_CONN_MAX_AGE gives it a lifetime.
    It is not checked before each call (a round trip per call): a call that finds it broken
    reconnects and runs again (``_reconnected``). On PostgreSQL it commits without waiting
    for the disk; each task waits once, at its end, before its message is acknowledged
    (``sql.writes_durable``)."""
    for alias in connections:
        options = connections[alias].settings_dict
        if not options.get("CONN_MAX_AGE"):
            options["CONN_MAX_AGE"] = None
        options["CONN_HEALTH_CHECKS"] = False
        if connections[alias].vendor == "postgresql":
            extra = options.setdefault("OPTIONS", {})
            extra["options"] = f"{extra.get('options', '')} -c synchronous_commit=off".strip()


@task_prerun.connect
def database_connections_check(sender=None, **_) -> None:
    """Before each call, as Django does before each request: drop a connection that broke
    (the next query opens a new one) or outlived DB_CONN_MAX_AGE. Not for a task run eagerly
    inside a transaction (tests), which must keep its connection."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    if not any(connections[alias].in_atomic_block for alias in connections):
        close_old_connections()


@shared_task(name=TASK_NAME, bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_call(self, call_id: str, generation: int | None = None, topology: int | None = None, **_: Any) -> str:
    """Run a recorded call (a plug's delivery, a source, a workflow's step alike). A retry is
    sent by ``call_retry_later`` (lossless on a full queue). ``generation``: the send this
    message is; a message of an earlier send (the outbox sweeper sent the call again) is
    dropped. ``topology``: the topology generation the sender saw (apps.engine.topology).
    Returns once what it recorded is durable, so its message is acknowledged only then."""
    context = worker.current_context()
    outcome = _reconnected(partial(call_execute, call_id=str(call_id), context=context, generation=generation,
                                   seen=topology))
    if outcome.retry_in is not None:
        outcome = call_retry_later(call_id=str(call_id), delay=outcome.retry_in, context=context)
    writes_durable()
    return outcome.state


def _reconnected(execute: Callable[[], Outcome]) -> Outcome:
    """Run the call; when the database connection turns out broken (the server restarted,
    a network cut), reconnect and run it again, as a redelivery would (the call's row says
    where it got to)."""
    try:
        return execute()
    except (InterfaceError, OperationalError) as error:
        if connection.in_atomic_block:
            raise
        logger.warning("database connection broken (%s); reconnecting to run the call again", error)
        connection.close()
        return execute()


@shared_task(name="elasticcode.fire_schedule", acks_late=True, ignore_result=True)
def fire_schedule(socket_id: str) -> str | None:
    """Beat fired a socket's schedule: start a new run with the socket's configured input."""
    from apps.engine.scheduling import schedule_fire

    call = schedule_fire(socket_id=socket_id)
    writes_durable()
    return str(call.pk) if call else None


@shared_task(name="elasticcode.expire_joins", ignore_result=True)
def expire_joins() -> int:
    from apps.engine.routing import joins_expire

    expired = joins_expire()
    writes_durable()
    return expired


@shared_task(name="elasticcode.mount", ignore_result=True)
def mount_processor(processor_id: str) -> str:
    """Mount a processor on the platform worker (the API's mount action)."""
    from apps.core.errors import PlatformError
    from apps.engine.mounting import processor_mount
    from apps.engine.mounts.errors import MountError
    from apps.processors.models import Processor

    processor = Processor.objects.filter(pk=processor_id).first()
    if processor is None:
        return "gone"
    try:
        processor_mount(processor=processor)
    except (MountError, PlatformError) as error:
        writes_durable()
        return f"failed: {error}"
    writes_durable()
    return "ready"
