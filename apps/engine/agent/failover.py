"""The network check every agent runs at its heartbeat: nodes whose agent went silent are
marked down, and processors whose placement no longer holds (a share on a node that is not
healthy, a new concurrency, never placed) are placed again on healthy nodes.

A Redis lock taken for one heartbeat interval lets one agent act per interval. Calls the
lost workers had taken come back by late acknowledgement: RabbitMQ returns them when the
connection drops, Redis after BROKER_VISIBILITY_TIMEOUT (apps.engine.redis_lease).
"""

from __future__ import annotations

import logging
from functools import lru_cache

import redis
from django.conf import settings

from apps.core.models import Status
from apps.engine.agent.state import processor_status_refresh
from apps.engine.events import event_publish
from apps.network.models import Deployment
from apps.network.nodes import nodes_mark_down
from apps.network.placement import placement_needed, processor_place
from apps.network.selectors import IDLE_REQUESTS, healthy_nodes
from apps.processors.models import Processor

logger = logging.getLogger(__name__)

LOCK_KEY = "elasticcode:network-check:{database}"


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def check_lock_take(*, owner: str, seconds: float) -> bool:
    """True for the one caller per ``seconds`` that may run the check (per meta-model
    database: platforms sharing a Redis do not share the lock)."""
    key = LOCK_KEY.format(database=settings.DATABASES["default"]["NAME"])
    try:
        return bool(_client(settings.REDIS_URL).set(key, owner, nx=True, px=max(int(seconds * 1000), 100)))
    except redis.RedisError as error:
        logger.warning("network check skipped: Redis unavailable (%s)", error)
        return False


def network_check(*, owner: str, interval: float) -> list[str]:
    """Mark silent nodes down and re-place what they ran; the names of moved processors."""
    if not check_lock_take(owner=owner, seconds=interval):
        return []
    down = nodes_mark_down()
    for hostname in down:
        logger.warning("node %s missed its heartbeats: marked down", hostname)
        event_publish({"kind": "node", "event": "down", "node": hostname, "status": Status.DOWN,
                       "agent": Status.DOWN})
    affected = processors_on(hostnames=down)
    moved = placements_repair()
    for processor_id in affected:
        processor_status_refresh(processor_id=processor_id)
    return moved


def processors_on(*, hostnames: list[str]) -> set[str]:
    if not hostnames:
        return set()
    rows = Deployment.objects.filter(hostname__in=hostnames).values_list("processor_id", flat=True)
    return {str(pk) for pk in rows}


def placements_repair() -> list[str]:
    """Place every processor asked to run that has no deployment or one on a node that is
    not healthy (deployments added by hand and a new concurrency wait for a start or restart)."""
    processors = (
        Processor.objects.filter(enabled=True).exclude(requested_status__in=IDLE_REQUESTS)
        .prefetch_related("deployments").order_by("name")
    )
    healthy: dict[object, set[str]] = {}
    moved = []
    for processor in processors:
        if processor.network_id not in healthy:
            hostnames = healthy_nodes(network_id=processor.network_id).values_list("hostname", flat=True)
            healthy[processor.network_id] = set(hostnames)
        needed = placement_needed(processor=processor, deployments=list(processor.deployments.all()),
                                  healthy=healthy[processor.network_id], exact=False)
        if needed and processor_place(processor=processor):
            logger.info("placed %s: %s", processor.name, dict(processor.deployments.values_list("hostname", "cpus")))
            moved.append(processor.name)
    return moved
