"""Placement: spread a processor's concurrency over the healthy nodes of its network as
deployments (one per host, ``cpus`` worker processes each).

The scheduler of the processor's network picks the strategy: BALANCED hands out one cpu
at a time round-robin over the nodes (most free cpus first), EFFICIENT fills the node with
the most free cpus before the next. Free cpus are a node's cpus minus what deployments of
other running processors hold there. When the network has fewer free cpus than asked, the
rest is spread round-robin over the nodes' cpus (processors share a node rather than one
being stranded), but one processor never gets more worker processes on a node than the node
has cpus: what no node can hold is not placed, and the processor runs with less (said in
the log). A node with no cpus known (no agent registered it yet) is not capped.

A processor pinned to a ``hostname`` is placed only there, healthy or not.

The concurrency placed is the processor's ``running_concurrency``: its concurrency, or what
the scaler (apps.engine.scaling) chose within its bounds; 0 (scaled to zero) places nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from apps.network.models import Deployment, Node, Scheduler, Strategy
from apps.network.notify import control_publish_on_commit
from apps.network.selectors import cpus_used, healthy_nodes

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NodeCapacity:
    hostname: str
    cpus: int
    used: int = 0

    @property
    def free(self) -> int:
        return max(self.cpus - self.used, 0)


def placement_plan(*, concurrency: int, nodes: Sequence[NodeCapacity], strategy: str) -> dict[str, int]:
    """Cpus per hostname, summing to ``concurrency`` (empty when there is no node)."""
    if concurrency <= 0 or not nodes:
        return {}
    ordered = sorted(nodes, key=lambda node: (-node.free, node.hostname))
    plan = {node.hostname: 0 for node in ordered}
    if strategy == Strategy.EFFICIENT:
        remaining = _pack(plan, ordered, concurrency)
    else:
        remaining = _spread(plan, ordered, concurrency, within_capacity=True)
    _spread(plan, ordered, remaining, within_capacity=False)
    return {hostname: cpus for hostname, cpus in plan.items() if cpus}


def placement_short(*, processor, plan: dict[str, int]) -> int:
    """How many of the processor's slots a plan could not place (0: all of them)."""
    return max(processor.running_concurrency - sum(plan.values()), 0)


def _pack(plan: dict[str, int], ordered: Sequence[NodeCapacity], remaining: int) -> int:
    for node in ordered:
        taken = min(node.free, remaining)
        plan[node.hostname] += taken
        remaining -= taken
    return remaining


def _spread(plan: dict[str, int], ordered: Sequence[NodeCapacity], remaining: int, *,
            within_capacity: bool) -> int:
    while remaining:
        progressed = False
        for node in ordered:
            room = node.free if within_capacity else (node.cpus or plan[node.hostname] + remaining)
            if remaining and plan[node.hostname] < room:
                plan[node.hostname] += 1
                remaining -= 1
                progressed = True
        if not progressed:
            break
    return remaining


def strategy_for(*, network_id) -> str:
    """The strategy of the network's first enabled scheduler; BALANCED when it has none."""
    strategy = (
        Scheduler.objects.filter(network_id=network_id, enabled=True)
        .order_by("name").values_list("strategy", flat=True).first()
    )
    return strategy or Strategy.BALANCED


def placement_needed(*, processor, deployments: Sequence[Deployment], healthy: set[str],
                     exact: bool = True) -> bool:
    """Whether the processor must be placed (again): it has no deployment, or one is on a
    node that is not healthy while some node is. With ``exact`` (an operator's start or
    restart) also when its deployments do not add up to its concurrency (or its pin): that
    is how a new concurrency takes effect. Without it (the agents' automatic check)
    deployments added by hand are left as they are."""
    running = processor.running_concurrency
    if not deployments:
        return running > 0 and (bool(healthy) or bool(processor.hostname))
    if processor.hostname:
        return exact and {d.hostname: d.cpus for d in deployments} != {processor.hostname: running}
    if exact and sum(d.cpus for d in deployments) != running:
        return bool(healthy)
    return bool(healthy) and any(d.hostname not in healthy for d in deployments)


def processor_place(*, processor) -> bool:
    """Make the processor's Deployment rows match a fresh plan; True when they changed.

    Leaves them untouched when no node is healthy (there is nowhere better to go). Agents
    hear of a change on the control channel once the transaction commits.
    """
    with transaction.atomic():
        # Lock the processor row: the operator and the agents' failover may place it at once.
        locked = type(processor).objects.select_for_update().filter(pk=processor.pk).first()
        if locked is None:
            return False
        plan = _plan_for(locked)
        changed = plan is not None and _deployments_apply(processor=locked, plan=plan)
        if changed:
            control_publish_on_commit({"processor": str(locked.pk), "placed": plan})
        short = placement_short(processor=locked, plan=plan) if plan is not None else 0
        if changed and plan is not None and short:
            logger.warning("processor %s: %s of its %s worker processes placed (%s); the nodes have no cpus "
                           "for the other %s", locked.name, sum(plan.values()), locked.running_concurrency,
                           plan, short)
    return changed


def processor_place_if_needed(*, processor, exact: bool = True) -> bool:
    """Place the processor when its deployments no longer fit (see placement_needed)."""
    healthy = set(healthy_nodes(network_id=processor.network_id).values_list("hostname", flat=True))
    deployments = list(Deployment.objects.filter(processor=processor))
    if not placement_needed(processor=processor, deployments=deployments, healthy=healthy, exact=exact):
        return False
    return processor_place(processor=processor)


def _plan_for(processor) -> dict[str, int] | None:
    if processor.running_concurrency == 0:
        return {}
    if processor.hostname:
        cpus = Node.objects.filter(hostname=processor.hostname).values_list("cpus", flat=True).first()
        return {processor.hostname: min(processor.running_concurrency, cpus or processor.running_concurrency)}
    nodes = list(healthy_nodes(network_id=processor.network_id))
    if not nodes:
        return None
    used = cpus_used(hostnames=[node.hostname for node in nodes], exclude_processor_id=processor.pk)
    capacities = [NodeCapacity(hostname=n.hostname, cpus=n.cpus, used=used.get(n.hostname, 0)) for n in nodes]
    return placement_plan(concurrency=processor.running_concurrency, nodes=capacities,
                          strategy=strategy_for(network_id=processor.network_id))


def _deployments_apply(*, processor, plan: dict[str, int]) -> bool:
    existing = {d.hostname: d for d in Deployment.objects.filter(processor=processor)}
    nodes = {node.hostname: node for node in Node.objects.filter(hostname__in=list(plan))}
    changed = False
    for hostname, stale in existing.items():
        if hostname not in plan:
            stale.delete()
            changed = True
    for hostname, cpus in plan.items():
        deployment = existing.get(hostname)
        node = nodes.get(hostname)
        if deployment is None:
            deployment = Deployment(name=f"{processor.name}@{hostname}", hostname=hostname, cpus=cpus,
                                    processor=processor, node=node, owner_id=processor.owner_id)
        elif (deployment.cpus, deployment.node_id) == (cpus, node.pk if node else None):
            continue
        deployment.cpus, deployment.node = cpus, node
        deployment.full_clean()
        deployment.save()
        changed = True
    return changed
