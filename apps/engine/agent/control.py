"""Pause and resume a running worker with Celery's remote control: it stops (or starts)
consuming its processor's queues without exiting. Calls stay queued on the broker while it
is paused; the calls it was running finish.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from apps.engine.queues import socket_queue_name
from apps.processors.models import Socket
from flowsite.celery import app as celery_app

logger = logging.getLogger(__name__)

REPLY_TIMEOUT = 1.0


def socket_queues(*, processor_ids: list[str]) -> dict[str, frozenset[str]]:
    """processor id -> the broker queues of its sockets now (one query for all)."""
    found: dict[str, set[str]] = defaultdict(set)
    sockets = Socket.objects.filter(processor_id__in=processor_ids).select_related("queue", "processor")
    for socket in sockets:
        found[str(socket.processor_id)].add(socket_queue_name(socket=socket))
    return {str(pid): frozenset(found.get(str(pid), ())) for pid in processor_ids}


def processor_queue_names(*, processor_id: str) -> list[str]:
    return sorted(socket_queues(processor_ids=[processor_id])[str(processor_id)])


def consuming_set(*, worker: str, queues: list[str], consume: bool) -> bool:
    """Make the worker named ``worker`` consume ``queues`` or none of them; True once its
    active queues confirm it (False: it did not answer, try again later)."""
    command = "add_consumer" if consume else "cancel_consumer"
    for queue in queues:
        replies = celery_app.control.broadcast(
            command, arguments={"queue": queue}, destination=[worker], reply=True,
            timeout=REPLY_TIMEOUT, limit=1,
        )
        if not replies:
            logger.info("worker %s did not answer %s %s", worker, command, queue)
            return False
    active = active_queues(worker=worker)
    if active is None:
        return False
    return set(queues) <= active if consume else not (set(queues) & active)


def active_queues(*, worker: str) -> set[str] | None:
    """The queues the worker consumes now; None when it does not answer."""
    replies = celery_app.control.inspect(destination=[worker], timeout=REPLY_TIMEOUT, limit=1).active_queues()
    if not replies or worker not in replies:
        return None
    return {queue["name"] for queue in replies[worker]}
