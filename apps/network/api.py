"""The network API: networks, nodes, agents, workers, deployments, queues, schedulers,
actions, containers and queue samples. Queues, nodes and deployments are written through
apps.network.services (validated, and the agents told); the other objects are plain ones
(apps.core.services)."""

from __future__ import annotations

from apps.accounts.rights import crud_rights
from apps.core.filters import filterset_for
from apps.core.routers import PlatformRouter
from apps.core.viewsets import CrudViewSet, ReadOnlyViewSet
from apps.network import serializers as s
from apps.network import services
from apps.network.models import (
    Action,
    Agent,
    Container,
    Deployment,
    Network,
    Node,
    Queue,
    QueueLog,
    Scheduler,
    Worker,
)


class NetworkViewSet(CrudViewSet):
    queryset = Network.objects.select_related("owner")
    serializer_class = s.NetworkSerializer
    filterset_class = filterset_for(Network, fields=("status", "enabled"))
    rights = crud_rights("NETWORK", "NETWORKS")


class SchedulerViewSet(CrudViewSet):
    queryset = Scheduler.objects.select_related("owner", "network")
    serializer_class = s.SchedulerSerializer
    filterset_class = filterset_for(Scheduler, by_name=("network",), fields=("strategy", "status"))
    rights = crud_rights("SCHEDULER", "SCHEDULERS")


class NodeViewSet(CrudViewSet):
    queryset = Node.objects.select_related("owner", "network", "scheduler")
    serializer_class = s.NodeSerializer
    filterset_class = filterset_for(
        Node, by_name=("network", "scheduler"), fields=("hostname", "status", "enabled")
    )
    search_fields = ["name", "hostname"]
    ordering_fields = ["name", "hostname", "created", "lastupdated", "status", "cpuload", "heartbeat"]
    rights = crud_rights("NODE", "NODES")

    def perform_create(self, serializer) -> None:
        serializer.instance = services.node_create(by=self.request.user, fields=serializer.validated_data)

    def perform_update(self, serializer) -> None:
        serializer.instance = services.node_update(
            node=serializer.instance, by=self.request.user, fields=serializer.validated_data)

    def perform_destroy(self, instance) -> None:
        services.node_delete(node=instance, by=self.request.user)


class AgentViewSet(CrudViewSet):
    queryset = Agent.objects.select_related("owner", "node")
    serializer_class = s.AgentSerializer
    filterset_class = filterset_for(Agent, by_name=("node",), fields=("hostname", "status"))
    rights = crud_rights("AGENT", "AGENTS")


class WorkerViewSet(CrudViewSet):
    queryset = Worker.objects.select_related("owner", "processor", "agent")
    serializer_class = s.WorkerSerializer
    filterset_class = filterset_for(
        Worker, by_name=("processor", "agent"), by_id=("deployment",), fields=("hostname", "status")
    )
    rights = crud_rights("WORKER", "WORKERS")


class DeploymentViewSet(CrudViewSet):
    queryset = Deployment.objects.select_related("owner", "processor", "node")
    serializer_class = s.DeploymentSerializer
    filterset_class = filterset_for(
        Deployment, by_name=("processor", "node"), fields=("hostname", "status")
    )
    rights = crud_rights("DEPLOYMENT", "DEPLOYMENTS")

    def perform_create(self, serializer) -> None:
        serializer.instance = services.deployment_create(by=self.request.user, fields=serializer.validated_data)

    def perform_update(self, serializer) -> None:
        serializer.instance = services.deployment_update(
            deployment=serializer.instance, by=self.request.user, fields=serializer.validated_data)

    def perform_destroy(self, instance) -> None:
        services.deployment_delete(deployment=instance, by=self.request.user)


class QueueViewSet(CrudViewSet):
    queryset = Queue.objects.select_related("owner", "network")
    serializer_class = s.QueueSerializer
    filterset_class = filterset_for(Queue, by_name=("network",), fields=("qtype", "status"))
    rights = crud_rights("QUEUE", "QUEUES")

    def perform_create(self, serializer) -> None:
        serializer.instance = services.queue_create(by=self.request.user, fields=serializer.validated_data)

    def perform_update(self, serializer) -> None:
        serializer.instance = services.queue_update(
            queue=serializer.instance, by=self.request.user, fields=serializer.validated_data)

    def perform_destroy(self, instance) -> None:
        services.queue_delete(queue=instance, by=self.request.user)


class ActionViewSet(CrudViewSet):
    queryset = Action.objects.select_related("owner")
    serializer_class = s.ActionSerializer
    filterset_class = filterset_for(Action, fields=("target", "status"))
    rights = crud_rights("ACTION", "ACTIONS")


class ContainerViewSet(CrudViewSet):
    queryset = Container.objects.select_related("owner")
    serializer_class = s.ContainerSerializer
    filterset_class = filterset_for(Container, fields=("container_id", "status"))
    rights = crud_rights("CONTAINER", "CONTAINERS")


class QueueLogViewSet(ReadOnlyViewSet):
    """Samples of queue depth, newest first."""

    queryset = QueueLog.objects.select_related("queue", "processor").order_by("-created")
    serializer_class = s.QueueLogSerializer
    filterset_class = filterset_for(QueueLog, name_field=None, by_name=("queue",))
    search_fields = ["queue__name", "name"]
    ordering_fields = ["created", "ready", "inflight", "consumers", "arrival_rate", "completion_rate", "oldest_age"]
    rights = crud_rights("QUEUELOG", "QUEUELOGS", actions=("list", "retrieve"))


def register_routes(router: PlatformRouter) -> None:
    router.register("networks", NetworkViewSet, basename="network")
    router.register("nodes", NodeViewSet, basename="node")
    router.register("agents", AgentViewSet, basename="agent")
    router.register("workers", WorkerViewSet, basename="worker")
    router.register("deployments", DeploymentViewSet, basename="deployment")
    router.register("queues", QueueViewSet, basename="queue")
    router.register("schedulers", SchedulerViewSet, basename="scheduler")
    router.register("actions", ActionViewSet, basename="action")
    router.register("containers", ContainerViewSet, basename="container")
    router.register("queuelogs", QueueLogViewSet, basename="queuelog")
