"""The processors API: processors (and their start/stop/pause/resume/restart), tasks,
arguments, sockets, plugs, gates, works, trusted repositories and secrets. Attaching a
secret to a processor (``POST /api/processors/{id}/secret/``) needs ATTACH_SECRET.

The processor endpoints ``mount``, ``run``, ``cancel`` and ``code`` are reserved for the
engine's API and are not defined here.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.permissions import right_require
from apps.accounts.rights import Right, crud_rights
from apps.core.filters import filterset_for
from apps.core.routers import PlatformRouter
from apps.core.viewsets import CrudViewSet
from apps.processors import serializers as s
from apps.processors import services
from apps.processors.models import (
    Argument,
    Gate,
    Plug,
    Processor,
    ProcessorSecret,
    Socket,
    Task,
    TrustedRepository,
    Work,
)
from apps.processors.schedules import schedule_preview, schedule_write_runs_tasks

_operation_schema = extend_schema(request=None, responses=s.ProcessorSerializer)


class ProcessorViewSet(CrudViewSet):
    queryset = Processor.objects.select_related("owner", "network", "password")
    serializer_class = s.ProcessorSerializer
    filterset_class = filterset_for(
        Processor, by_name=("network",),
        fields=("module", "hostname", "status", "requested_status", "mount_status", "enabled"),
    )
    search_fields = ["name", "module", "description"]
    rights = {
        **crud_rights("PROCESSOR", "PROCESSORS"),
        "start": Right.START_PROCESSOR,
        "stop": Right.STOP_PROCESSOR,
        "pause": Right.PAUSE_PROCESSOR,
        "resume": Right.RESUME_PROCESSOR,
        "restart": Right.START_PROCESSOR,
        "secret": Right.ATTACH_SECRET,
    }

    def perform_create(self, serializer) -> None:
        serializer.instance = services.processor_create(by=self.request.user, fields=serializer.validated_data)

    def perform_update(self, serializer) -> None:
        serializer.instance = services.processor_update(
            processor=serializer.instance, by=self.request.user, fields=serializer.validated_data
        )

    def perform_destroy(self, instance) -> None:
        services.processor_remove(processor=instance, by=self.request.user)

    def _operate(self, action_name: str) -> Response:
        processor = services.processor_request_action(
            processor=self.get_object(), by=self.request.user, action=action_name
        )
        return Response(s.ProcessorSerializer(processor).data)

    @_operation_schema
    @action(detail=True, methods=["post"])
    def start(self, request, id=None):
        return self._operate("start")

    @_operation_schema
    @action(detail=True, methods=["post"])
    def stop(self, request, id=None):
        return self._operate("stop")

    @_operation_schema
    @action(detail=True, methods=["post"])
    def pause(self, request, id=None):
        return self._operate("pause")

    @_operation_schema
    @action(detail=True, methods=["post"])
    def resume(self, request, id=None):
        return self._operate("resume")

    @_operation_schema
    @action(detail=True, methods=["post"])
    def restart(self, request, id=None):
        return self._operate("restart")

    @extend_schema(request=s.SecretAttachSerializer, responses=s.ProcessorSerializer)
    @action(detail=True, methods=["post"])
    def secret(self, request, id=None):
        """Give the processor's runner a secret, or take it away (``null``): ATTACH_SECRET."""
        body = s.SecretAttachSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        processor = services.processor_secret_attach(
            processor=self.get_object(), secret=body.validated_data["secret"], by=request.user
        )
        return Response(s.ProcessorSerializer(processor).data)


class TaskViewSet(CrudViewSet):
    queryset = Task.objects.select_related("owner", "processor")
    serializer_class = s.TaskSerializer
    filterset_class = filterset_for(Task, by_name=("processor",), fields=("module", "status"))
    rights = crud_rights("TASK", "TASKS")


class ArgumentViewSet(CrudViewSet):
    queryset = Argument.objects.select_related("owner", "task")
    serializer_class = s.ArgumentSerializer
    filterset_class = filterset_for(
        Argument, by_name={"processor": "task__processor__name"}, by_id=("task",), fields=("kind",)
    )
    ordering_fields = ["name", "position", "created", "lastupdated"]
    rights = crud_rights("ARGUMENT", "ARGUMENTS")


class SocketViewSet(CrudViewSet):
    queryset = Socket.objects.select_related("owner", "processor", "task", "queue")
    serializer_class = s.SocketSerializer
    filterset_class = filterset_for(
        Socket, by_name=("processor", "queue", "task"), fields=("status", "scheduled", "enabled")
    )
    rights = {**crud_rights("SOCKET", "SOCKETS"), "schedule_preview": Right.LS_SOCKETS}

    @extend_schema(request=s.SchedulePreviewRequest, responses=s.SchedulePreview)
    @action(detail=False, methods=["post"], url_path="schedule-preview")
    def schedule_preview(self, request):
        """The next five runs of a proposed schedule (before it is saved), in UTC and the given
        time zone; 400 naming what is wrong with it (a bad cron expression, say)."""
        body = s.SchedulePreviewRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return Response(schedule_preview(schedule_type=data["schedule_type"], cron=data.get("cron", ""),
                                         interval=data.get("interval"), zone=data.get("timezone") or "UTC"))

    def _schedule_right(self, socket: Socket | None, fields: dict) -> None:
        """A schedule runs tasks: setting or changing one needs RUN_TASK as well."""
        if schedule_write_runs_tasks(socket=socket, fields=fields):
            right_require(self.request.user, Right.RUN_TASK, to="schedule a socket (its schedule runs tasks)")

    def perform_create(self, serializer) -> None:
        self._schedule_right(None, serializer.validated_data)
        serializer.instance = services.socket_create(by=self.request.user, fields=serializer.validated_data)

    def perform_update(self, serializer) -> None:
        self._schedule_right(serializer.instance, serializer.validated_data)
        serializer.instance = services.socket_update(
            socket=serializer.instance, by=self.request.user, fields=serializer.validated_data
        )

    def perform_destroy(self, instance) -> None:
        services.socket_delete(socket=instance, by=self.request.user)


class PlugViewSet(CrudViewSet):
    queryset = Plug.objects.select_related("owner", "processor", "source", "target", "argument", "queue")
    serializer_class = s.PlugSerializer
    filterset_class = filterset_for(
        Plug, by_name=("processor", "source", "target", "queue"), fields=("type", "status")
    )
    rights = crud_rights("PLUG", "PLUGS")

    def perform_create(self, serializer) -> None:
        serializer.instance = services.plug_create(by=self.request.user, fields=serializer.validated_data)

    def perform_update(self, serializer) -> None:
        serializer.instance = services.plug_update(
            plug=serializer.instance, by=self.request.user, fields=serializer.validated_data
        )

    def perform_destroy(self, instance) -> None:
        services.plug_delete(plug=instance, by=self.request.user)


class GateViewSet(CrudViewSet):
    queryset = Gate.objects.select_related("owner", "task")
    serializer_class = s.GateSerializer
    filterset_class = filterset_for(Gate, by_id=("task",), fields=("open", "status"))
    rights = crud_rights("GATE", "GATES")


class WorkViewSet(CrudViewSet):
    queryset = Work.objects.select_related("owner", "task")
    serializer_class = s.WorkSerializer
    filterset_class = filterset_for(Work, by_id=("task",), fields=("status",))
    ordering_fields = ["name", "created", "lastupdated", "status", "next_run_time"]
    rights = crud_rights("WORK", "WORKS")


class TrustedRepositoryViewSet(CrudViewSet):
    """Rules on which git repositories may be used (a deny wins over an allow). Audited."""

    queryset = TrustedRepository.objects.select_related("owner")
    serializer_class = s.TrustedRepositorySerializer
    filterset_class = filterset_for(TrustedRepository, fields=("kind", "enabled"))
    search_fields = ["name", "pattern"]
    rights = crud_rights("REPOSITORY", "REPOSITORIES")


class SecretViewSet(CrudViewSet):
    """Secrets for processors' runners: the value is write-only and stored encrypted."""

    queryset = ProcessorSecret.objects.select_related("owner")
    serializer_class = s.SecretSerializer
    filterset_class = filterset_for(ProcessorSecret, fields=("enabled",))
    rights = crud_rights("SECRET", "SECRETS")

    def perform_create(self, serializer) -> None:
        serializer.instance = services.secret_create(by=self.request.user, fields=serializer.validated_data)

    def perform_update(self, serializer) -> None:
        serializer.instance = services.secret_update(
            secret=serializer.instance, by=self.request.user, fields=serializer.validated_data
        )


def register_routes(router: PlatformRouter) -> None:
    router.register("processors", ProcessorViewSet, basename="processor")
    router.register("tasks", TaskViewSet, basename="task")
    router.register("arguments", ArgumentViewSet, basename="argument")
    router.register("sockets", SocketViewSet, basename="socket")
    router.register("plugs", PlugViewSet, basename="plug")
    router.register("gates", GateViewSet, basename="gate")
    router.register("works", WorkViewSet, basename="work")
    router.register("repositories", TrustedRepositoryViewSet, basename="repository")
    router.register("secrets", SecretViewSet, basename="secret")
