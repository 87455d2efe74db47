"""Writes on the life of nodes and agents: register, heartbeat, stop, and marking the
nodes whose agent went silent as down.

The agent's name is its node's hostname: two agents on one machine under different names
are two nodes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.core.errors import NotFound
from apps.core.models import Status
from apps.network.models import Agent, Deployment, Network, Node, Worker
from apps.network.notify import control_publish_on_commit
from apps.network.selectors import stale_nodes

METRIC_FIELDS = ("cpuload", "loadavg", "memsize", "freemem", "memused", "disksize", "diskusage")


def _metrics(metrics: dict[str, Any]) -> dict[str, Any]:
    return {name: metrics[name] for name in METRIC_FIELDS if name in metrics}


def agent_register(*, name: str, cpus: int, pid: int, monitor_only: bool = False,
                   network: str | None = None, metrics: dict[str, Any] | None = None) -> Agent:
    """Create or refresh the node ``name`` and its agent, both up now."""
    now = timezone.now()
    node_fields: dict[str, Any] = {"name": name, "cpus": cpus, "status": Status.UP, "heartbeat": now,
                                   **_metrics(metrics or {})}
    with transaction.atomic():
        if network:
            node_fields["network"] = Network.objects.filter(name=network).first()
            if node_fields["network"] is None:
                raise NotFound(f"No network named '{network}'.")
        node, _ = Node.objects.update_or_create(hostname=name, defaults=node_fields)
        agent, _ = Agent.objects.update_or_create(node=node, defaults={
            "name": name, "hostname": name, "cpus": cpus, "pid": pid, "heartbeat": now,
            "status": Status.RUNNING, "requested_status": Status.RUNNING, "monitor_only": monitor_only,
        })
        control_publish_on_commit({"node": name, "status": Status.UP})
    return agent


def agent_heartbeat(*, agent: Agent, metrics: dict[str, Any], workers: list[str]) -> None:
    """The agent is alive: its node is up with fresh metrics, and so are its ``workers`` (names)."""
    now = timezone.now()
    with transaction.atomic():
        Node.objects.filter(pk=agent.node_id).update(heartbeat=now, status=Status.UP, **_metrics(metrics))
        Agent.objects.filter(pk=agent.pk).update(heartbeat=now, status=Status.RUNNING)
        if workers:
            Worker.objects.filter(name__in=workers).update(heartbeat=now, agent=agent)


def agent_stopped(*, agent: Agent, status: str = Status.STOPPED) -> None:
    """The agent ended (cleanly or killed): its node is down and its workers stopped."""
    with transaction.atomic():
        Node.objects.filter(pk=agent.node_id).update(status=Status.DOWN)
        Agent.objects.filter(pk=agent.pk).update(status=status, pid=None)
        Worker.objects.filter(hostname=agent.hostname).exclude(status=Status.STOPPED).update(
            status=Status.STOPPED, process=None)
        Deployment.objects.filter(hostname=agent.hostname).update(status=Status.STOPPED)
        control_publish_on_commit({"node": agent.hostname, "status": Status.DOWN})


def nodes_mark_down(*, now: datetime | None = None) -> list[str]:
    """Mark down the nodes that missed their heartbeats; their hostnames."""
    with transaction.atomic():
        stale = list(stale_nodes(now=now).select_for_update(skip_locked=True).values_list("pk", "hostname"))
        if not stale:
            return []
        ids = [pk for pk, _ in stale]
        Node.objects.filter(pk__in=ids).update(status=Status.DOWN)
        Agent.objects.filter(node_id__in=ids).update(status=Status.DOWN)
        hostnames = [hostname for _, hostname in stale]
        # What ran there is gone (or unreachable): nothing of it counts as running any more.
        Deployment.objects.filter(hostname__in=hostnames).update(status=Status.STOPPED)
        Worker.objects.filter(hostname__in=hostnames).exclude(status=Status.STOPPED).update(status=Status.STOPPED)
        control_publish_on_commit({"nodes_down": hostnames})
    return hostnames
