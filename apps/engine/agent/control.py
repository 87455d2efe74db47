"""Pause and resume a running worker with Celery's remote control: it stops (or starts)
consuming its processor's queues without exiting. Calls stay queued on the broker while it
is paused; the calls it was running finish.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from kombu import Queue

from apps.engine.queues import consumer_options, destination_queue, processor_destinations
from flowsite.celery import app as celery_app

logger = logging.getLogger(__name__)

REPLY_TIMEOUT = 1.0


def socket_queues(*, processor_ids: list[str]) -> dict[str, dict[str, Queue]]:
    """processor id -> the broker queues its workers consume now, by name: its sockets'
    and those of the plugs into them (apps.engine.queues.processor_destinations)."""
    found = processor_destinations(processor_ids=processor_ids)
    return {pid: {name: destination_queue(d) for name, d in destinations.items()}
            for pid, destinations in found.items()}


def processor_queues(*, processor_id: str) -> list[Queue]:
    return list(socket_queues(processor_ids=[processor_id])[str(processor_id)].values())


def consuming_set(*, worker: str, queues: Sequence[Queue | str], consume: bool) -> bool:
    """Make the worker named ``worker`` consume ``queues`` or none of them; True once its
    active queues confirm it (False: it did not answer, try again later). A queue to add
    is a kombu declaration, so the worker declares it as producers do."""
    command = "add_consumer" if consume else "cancel_consumer"
    names = [queue if isinstance(queue, str) else queue.name for queue in queues]
    for queue, name in zip(queues, names):
        arguments = consumer_options(queue) if consume and not isinstance(queue, str) else {"queue": name}
        replies = celery_app.control.broadcast(
            command, arguments=arguments, destination=[worker], reply=True,
            timeout=REPLY_TIMEOUT, limit=1,
        )
        if not replies:
            logger.info("worker %s did not answer %s %s", worker, command, arguments["queue"])
            return False
    active = active_queues(worker=worker)
    if active is None:
        return False
    return set(names) <= active if consume else not (set(names) & active)


def active_queues(*, worker: str) -> set[str] | None:
    """The queues the worker consumes now; None when it does not answer."""
    replies = celery_app.control.inspect(destination=[worker], timeout=REPLY_TIMEOUT, limit=1).active_queues()
    if not replies or worker not in replies:
        return None
    return {queue["name"] for queue in replies[worker]}
