"""Writes on the network's rows beyond the generic object services (apps.core.services)."""

from __future__ import annotations

from apps.network.models import Queue


def queues_flow_release(*, flow_key: str) -> None:
    """A deleted flow's socket queues stay on the network as if made outside any flow:
    sockets made by hand may use them from then on."""
    Queue.objects.filter(flow_key=flow_key).update(flow_key="")
