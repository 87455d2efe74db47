"""Running workers follow their processor's sockets and the plugs into them.

A worker starts consuming the queues of the sockets its processor has then, and of the
plugs into those sockets. A socket or plug created later (a flow deployed onto a running
processor, one added in the API) must not wait for a restart: the agent adds its queue
to every running, consuming worker of that processor with Celery's ``add_consumer``, and
cancels the queues that are gone. A paused worker is left alone: it takes every current
queue when it resumes.
"""

from __future__ import annotations

import logging

from apps.engine.agent.control import consuming_set, socket_queues
from apps.engine.agent.reconcile import Phase

logger = logging.getLogger(__name__)


def queues_follow(handles) -> list[str]:
    """Bring each ready, consuming worker's queues in line with its sockets; the names of
    the workers changed. A worker that does not answer is tried again next tick."""
    live = [h for h in handles if h.phase == Phase.READY and h.consuming]
    if not live:
        return []
    wanted = socket_queues(processor_ids=[h.processor_id for h in live])
    changed = []
    for handle in live:
        declared = wanted[handle.processor_id]
        queues = frozenset(declared)
        if handle.queues == queues:
            continue
        known = handle.queues or frozenset()
        added, removed = sorted(queues - known), sorted(known - queues)
        if handle.queues is None:
            added = sorted(queues)  # first look: make sure it consumes every current queue
        ok = (not added or consuming_set(worker=handle.node, queues=[declared[n] for n in added], consume=True)) \
            and (not removed or consuming_set(worker=handle.node, queues=removed, consume=False))
        if ok:
            handle.queues = queues
            changed.append(handle.name)
            logger.info("worker %s follows its sockets: +%s -%s", handle.name, added, removed)
    return changed
