"""The agent's reads and writes of the meta-model: what its host should run, which of its
workers are ready, and the statuses it has reached (deployments, then processors)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count

from apps.calls.models import Call, CallState
from apps.core.models import Status
from apps.engine.agent.reconcile import TARGETS, Mode, Wanted, processor_status, wanted_mode
from apps.engine.events import event_publish
from apps.network.models import Deployment, Worker
from apps.network.selectors import deployments_of_host
from apps.processors.models import Processor


@dataclass(frozen=True)
class Recorded:
    """What the database says now about one deployment of the host."""

    processor_id: str
    status: str
    processor_requested: str
    processor_status: str


def host_view(*, hostname: str) -> tuple[dict[str, Wanted], dict[str, Recorded]]:
    """The deployments of ``hostname``: as the agent should run them (by processor id), and
    as recorded (by deployment id)."""
    deployments = deployments_of_host(hostname=hostname).annotate(socket_count=Count("processor__sockets"))
    wanted, recorded = {}, {}
    for deployment in deployments:
        processor = deployment.processor
        mode = wanted_mode(requested=processor.requested_status, enabled=processor.enabled,
                           has_sockets=deployment.socket_count > 0)
        wanted[str(processor.pk)] = Wanted(
            processor_id=str(processor.pk), processor_name=processor.name, deployment_id=str(deployment.pk),
            cpus=deployment.cpus, mode=mode, idle=deployment.socket_count == 0,
            restart=mode != Mode.OFF and deployment.requested_status == Status.STARTING,
        )
        recorded[str(deployment.pk)] = Recorded(str(processor.pk), deployment.status, processor.requested_status,
                                                processor.status)
    return wanted, recorded


def ready_workers(*, names: list[str]) -> dict[str, int | None]:
    """Name -> pid of those of the workers that reported ready."""
    return dict(Worker.objects.filter(name__in=names, status=Status.RUNNING).values_list("name", "process"))


def workers_running_calls(*, names: list[str]) -> set[str]:
    """Those of the named workers that have a call running."""
    rows = Call.objects.filter(worker__name__in=names, state=CallState.RUNNING).values_list("worker__name", flat=True)
    return set(rows)


def workers_to_adopt(*, hostname: str) -> list[Worker]:
    return list(Worker.objects.filter(hostname=hostname).exclude(process=None).select_related("processor"))


def worker_exited(*, name: str, pid: int, failed: bool) -> None:
    Worker.objects.filter(name=name, process=pid).update(
        status=Status.FAILED if failed else Status.STOPPED, process=None)


def restart_consumed(*, deployment_id: str) -> None:
    Deployment.objects.filter(pk=deployment_id, requested_status=Status.STARTING).update(
        requested_status=Status.RUNNING)


def deployment_statuses_write(*, statuses: dict[str, str]) -> None:
    """Record the status each deployment (by id) reached."""
    for status in set(statuses.values()):
        ids = [pk for pk, value in statuses.items() if value == status]
        Deployment.objects.filter(pk__in=ids).update(status=status)


def processor_unsettled(*, recorded: Recorded) -> bool:
    """Whether this deployment reached what is asked while its processor does not say so yet
    (a restart is settled once its requested status is back to running)."""
    target = TARGETS.get(recorded.processor_requested)
    final = Status.REMOVED if recorded.processor_requested == Status.REMOVED else target
    return recorded.status == target and (
        recorded.processor_status != final or recorded.processor_requested == Status.STARTING)


def processor_status_refresh(*, processor_id: str) -> str | None:
    """Set the processor's status from all its deployments (locked: agents of several hosts
    may finish at once). A finished restart turns the requested status back to running."""
    with transaction.atomic():
        processor = Processor.objects.select_for_update().filter(pk=processor_id).first()
        if processor is None:
            return None
        rows = list(processor.deployments.values_list("status", "requested_status"))
        status = processor_status(requested=processor.requested_status, deployments=[s for s, _ in rows])
        fields = {}
        if status and status != processor.status:
            fields["status"] = status
        restarting = any(requested == Status.STARTING for _, requested in rows)
        if processor.requested_status == Status.STARTING and status == Status.RUNNING and not restarting:
            fields["requested_status"] = Status.RUNNING
        if fields:
            Processor.objects.filter(pk=processor.pk).update(**fields)
            event = {"kind": "processor", "processor": processor.name, "id": str(processor.pk), **fields}
            transaction.on_commit(lambda: event_publish(event))
    return status
