"""Reads about where code runs: which nodes are healthy, what each can still take, and
the overview the network page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from apps.core.models import Status
from apps.network.models import Agent, Deployment, Node, Queue, QueueLog, Worker

# A processor asked for one of these holds no cpus: its deployments stay, but free.
IDLE_REQUESTS = (Status.STOPPED, Status.REMOVED)


def heartbeat_cutoff(*, now: datetime | None = None) -> datetime:
    """Heartbeats older than this are missed ones (AGENT_DOWN_AFTER seconds)."""
    return (now or timezone.now()) - timedelta(seconds=settings.AGENT_DOWN_AFTER)


def healthy_nodes(*, network_id=None, now: datetime | None = None) -> QuerySet[Node]:
    """Nodes that take deployments: up, enabled, heard from lately, with an agent that runs
    workers. A node in no network serves every network; a processor in no network may use
    any node."""
    nodes = Node.objects.filter(
        status=Status.UP, enabled=True, heartbeat__gte=heartbeat_cutoff(now=now),
        agent__isnull=False, agent__monitor_only=False,
    )
    if network_id is not None:
        nodes = nodes.filter(Q(network_id=network_id) | Q(network__isnull=True))
    return nodes.order_by("hostname")


def cpus_used(*, hostnames: list[str], exclude_processor_id=None) -> dict[str, int]:
    """Cpus held on each host by deployments of other processors that are not stopped."""
    rows = (
        Deployment.objects.filter(hostname__in=hostnames)
        .exclude(processor_id=exclude_processor_id)
        .exclude(processor__requested_status__in=IDLE_REQUESTS)
        .values("hostname").annotate(used=Sum("cpus"))
    )
    return {row["hostname"]: row["used"] or 0 for row in rows}


@dataclass(frozen=True)
class CpuSnapshot:
    """Every node's cpus and what each processor holds on it, read once (three queries), so
    a scaler tick answers ``free_for`` for any number of processors without more reads."""

    nodes: tuple[tuple[str, int, object], ...]  # (hostname, cpus, network id)
    healthy: frozenset[str]
    held: dict[tuple[str, str], int]  # (hostname, processor id) -> cpus of its deployments

    def free_for(self, processor) -> int | None:
        """Cpus the processor may hold: on the healthy nodes of its network (or its pinned
        host, healthy or not), each node's cpus minus what other processors hold there.
        None when there is no such node (nowhere to run, nothing to scale to)."""
        if processor.hostname:
            nodes = [n for n in self.nodes if n[0] == processor.hostname]
        else:
            nodes = [n for n in self.nodes if n[0] in self.healthy
                     and (processor.network_id is None or n[2] in (None, processor.network_id))]
        if not nodes:
            return None
        own = str(processor.pk)
        return sum(max(cpus - sum(c for (host, pid), c in self.held.items() if host == hostname and pid != own), 0)
                   for hostname, cpus, _network in nodes)


def cpu_snapshot(*, now: datetime | None = None) -> CpuSnapshot:
    held = (Deployment.objects.exclude(processor__requested_status__in=IDLE_REQUESTS)
            .values("hostname", "processor_id").annotate(used=Sum("cpus")))
    return CpuSnapshot(
        nodes=tuple(Node.objects.values_list("hostname", "cpus", "network_id")),
        healthy=frozenset(healthy_nodes(now=now).values_list("hostname", flat=True)),
        held={(row["hostname"], str(row["processor_id"])): row["used"] or 0 for row in held},
    )



def deployments_of_host(*, hostname: str) -> QuerySet[Deployment]:
    """What the agent named ``hostname`` should run, with each processor and its socket count."""
    return Deployment.objects.filter(hostname=hostname).select_related("processor").order_by("processor__name")


def stale_nodes(*, now: datetime | None = None) -> QuerySet[Node]:
    """Nodes still marked up whose agent missed its heartbeats."""
    cutoff = heartbeat_cutoff(now=now)
    return Node.objects.filter(status=Status.UP).filter(Q(heartbeat__lt=cutoff) | Q(heartbeat__isnull=True))


@dataclass(frozen=True)
class NodeView:
    node: Node
    healthy: bool
    heartbeat_age: float | None
    deployments: list[Deployment]
    workers: list[Worker]

    @property
    def cpus_used(self) -> int:
        return sum(d.cpus for d in self.deployments if d.processor.requested_status not in IDLE_REQUESTS)


def network_overview(*, now: datetime | None = None) -> list[NodeView]:
    """Every node with its live health, agent, deployments (which processor, how many cpus)
    and workers: what the network page shows."""
    now = now or timezone.now()
    cutoff = heartbeat_cutoff(now=now)
    nodes = list(Node.objects.select_related("agent", "network").order_by("hostname")[:500])
    hostnames = [node.hostname for node in nodes]
    deployments: dict[str, list[Deployment]] = {}
    for deployment in Deployment.objects.filter(hostname__in=hostnames).select_related("processor"):
        deployments.setdefault(deployment.hostname, []).append(deployment)
    workers: dict[str, list[Worker]] = {}
    for worker in Worker.objects.filter(hostname__in=hostnames).select_related("processor").order_by("name"):
        workers.setdefault(worker.hostname, []).append(worker)
    return [
        NodeView(
            node=node,
            healthy=node.status == Status.UP and node.heartbeat is not None and node.heartbeat >= cutoff,
            heartbeat_age=(now - node.heartbeat).total_seconds() if node.heartbeat else None,
            deployments=sorted(deployments.get(node.hostname, []), key=lambda d: d.processor.name),
            workers=workers.get(node.hostname, []),
        )
        for node in nodes
    ]


def agent_by_name(*, name: str) -> Agent | None:
    return Agent.objects.select_related("node").filter(name=name).first()


def processor_run_state(*, processor) -> dict:
    """Where a processor runs: its deployments (host, cpus, status) and workers."""
    return {
        "deployments": list(Deployment.objects.filter(processor=processor).select_related("node").order_by("hostname")),
        "workers": list(Worker.objects.filter(processor=processor).order_by("hostname")),
    }


def queuelog_latest(*, queues: QuerySet[Queue] | None = None, limit: int = 2000) -> list[QueueLog]:
    """The samples of each queue's newest monitor tick: one per broker queue of the row
    (a tick writes all of a row's broker queues with one ``created``). Two indexed reads,
    whatever the number of samples kept."""
    rows = (queues if queues is not None else Queue.objects.all()).annotate(
        newest=Subquery(QueueLog.objects.filter(queue=OuterRef("pk")).order_by("-created").values("created")[:1]),
    ).filter(newest__isnull=False).values_list("pk", "newest")[:limit]
    newest = dict(rows)
    if not newest:
        return []
    samples = QueueLog.objects.filter(queue_id__in=newest, created__in=set(newest.values())).select_related(
        "queue", "processor").order_by("queue__name", "name")
    return [sample for sample in samples if newest[sample.queue_id] == sample.created]


def node_hostnames() -> list[str]:
    """Every node's hostname, sorted (what a refused pin lists)."""
    return list(Node.objects.order_by("hostname").values_list("hostname", flat=True)[:100])


def host_is_served(*, hostname: str, now: datetime | None = None) -> bool:
    """Whether a live agent that runs workers serves the node ``hostname``."""
    return healthy_nodes(now=now).filter(hostname=hostname).exists()


def local_node_hostname(*, machine: str) -> str | None:
    """The node of the live agent on this machine: the one named ``machine`` (an agent's
    default name is its machine's host name), else the only live agent whose node is named
    ``localhost``; None when there is none."""
    for name in (machine, "localhost"):
        if host_is_served(hostname=name):
            return name
    return None
