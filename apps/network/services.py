"""Writes on queues, nodes and deployments made by people (the API, the CLI, a flow's
deploy): validated, audited, and announced to the agents once they commit.

Each of these changes what agents run or consume: a queue's name or shape decides the
broker queues workers consume, a node's availability and network decide where processors
may be placed, a deployment is what an agent runs. Agents re-read the database at every
heartbeat; the control message (apps.network.notify) makes them look at once.

The life of nodes and agents as agents report it is in apps.network.nodes; where a
processor's deployments go, in apps.network.placement. The other network objects (networks,
schedulers, agents, workers, actions, containers) have no rule beyond their model's
validation and are written by apps.core.services.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.core.errors import BadRequest
from apps.core.services import object_create, object_delete, object_update
from apps.network.models import Deployment, Node, Queue, QueueType
from apps.network.notify import control_publish_on_commit

# -1 means none (unbounded, no TTL, never expires).
QUEUE_LIMITS = ("max_length", "max_length_bytes", "message_ttl", "expires")


def queue_problems(fields: dict[str, Any]) -> dict[str, list[str]]:
    """What is wrong with a queue's ``fields`` (those given), by field; empty when nothing is.
    A flow's document reaches here unchecked by a serializer, so types are checked too."""
    problems: dict[str, list[str]] = {}
    for key in QUEUE_LIMITS:
        value = fields.get(key, -1)
        if isinstance(value, bool) or not isinstance(value, int) or value < -1:
            problems[key] = [f"The queue's {key} must be a whole number, -1 (none) or more; it is {value!r}."]
    if fields.get("qtype", QueueType.DIRECT) not in QueueType.values:
        problems["qtype"] = [f"The queue's type must be one of {', '.join(QueueType.values)}."]
    for key in ("durable", "reliable", "auto_delete"):
        if not isinstance(fields.get(key, True), bool):
            problems[key] = [f"The queue's {key} setting must be true or false."]
    return problems


def queue_check(*, fields: dict[str, Any]) -> None:
    """Raise BadRequest, naming each wrong field, unless ``fields`` make a valid queue."""
    problems = queue_problems(fields)
    if problems:
        raise BadRequest("The queue is not valid.", detail=problems)


def _queue_changed(queue: Queue, fields: dict[str, Any]) -> None:
    control_publish_on_commit({"queue": queue.name, "changed": sorted(fields)})


def queue_create(*, by, fields: dict[str, Any]) -> Queue:
    """A new queue. Nothing consumes it until a socket or a plug names it."""
    queue_check(fields=fields)
    return object_create(model=Queue, by=by, fields=fields, audit=True)


def queue_update(*, queue: Queue, by, fields: dict[str, Any]) -> Queue:
    """Change a queue; the workers of the processors whose sockets and plugs use it follow
    (the agents bring their consumers in line as soon as it commits)."""
    queue_check(fields=fields)
    with transaction.atomic():
        queue = object_update(instance=queue, by=by, fields=fields, audit=True)
        _queue_changed(queue, fields)
    return queue


def queues_flow_release(*, flow_key: str) -> None:
    """A deleted flow's socket queues stay on the network as if made outside any flow:
    sockets made by hand may use them from then on."""
    Queue.objects.filter(flow_key=flow_key).update(flow_key="")


def queue_delete(*, queue: Queue, by) -> None:
    """Delete a queue no socket or plug uses (one in use is a 409 naming them)."""
    with transaction.atomic():
        _queue_changed(queue, {"deleted": True})
        object_delete(instance=queue, by=by, audit=True)


# What placement reads from a node: a change wakes the agents (a disabled node's
# deployments move at their next look).
NODE_PLACEMENT_FIELDS = ("enabled", "network", "cpus", "hostname", "status")


def node_create(*, by, fields: dict[str, Any]) -> Node:
    """A node known before its agent's first heartbeat (the heartbeat fills its metrics)."""
    return object_create(model=Node, by=by, fields=fields, audit=True)


def node_update(*, node: Node, by, fields: dict[str, Any]) -> Node:
    with transaction.atomic():
        before = node.hostname
        node = object_update(instance=node, by=by, fields=fields, audit=True)
        if any(name in fields for name in NODE_PLACEMENT_FIELDS):
            control_publish_on_commit({"node": before, "changed": sorted(fields)})
    return node


def node_delete(*, node: Node, by) -> None:
    with transaction.atomic():
        control_publish_on_commit({"node": node.hostname, "changed": ["deleted"]})
        object_delete(instance=node, by=by, audit=True)


def _deployment_fields(fields: dict[str, Any], deployment: Deployment | None) -> dict[str, Any]:
    """A deployment's node and hostname must name the same machine (its agent runs it by
    hostname, placement counts its cpus on the node)."""
    node = fields.get("node", deployment.node if deployment else None)
    hostname = fields.get("hostname", deployment.hostname if deployment else "")
    if node is not None and hostname != node.hostname:
        message = f"The node '{node.name}' is the machine '{node.hostname}', not '{hostname}'."
        raise BadRequest("The deployment is not valid.", detail={"hostname": [message]})
    return fields


def _deployment_changed(deployment: Deployment) -> None:
    control_publish_on_commit({"processor": str(deployment.processor_id), "deployment": deployment.name,
                               "hostname": deployment.hostname})


def deployment_create(*, by, fields: dict[str, Any]) -> Deployment:
    """A deployment made by hand (placement makes the others): its host's agent runs it."""
    with transaction.atomic():
        deployment = object_create(model=Deployment, by=by, fields=_deployment_fields(fields, None), audit=True)
        _deployment_changed(deployment)
    return deployment


def deployment_update(*, deployment: Deployment, by, fields: dict[str, Any]) -> Deployment:
    with transaction.atomic():
        deployment = object_update(instance=deployment, by=by, fields=_deployment_fields(fields, deployment),
                                   audit=True)
        _deployment_changed(deployment)  # every agent hears it: the old host's too
    return deployment


def deployment_delete(*, deployment: Deployment, by) -> None:
    """Delete a deployment; the agent of its host stops its worker."""
    with transaction.atomic():
        _deployment_changed(deployment)
        object_delete(instance=deployment, by=by, audit=True)
