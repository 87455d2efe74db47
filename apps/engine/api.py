"""Engine endpoints: the verbs that reach workers (mount, run, cancel), the source of a
task, and runs of client workflows (pipeline / parallel / funnel).

The verbs are ``@action``s the router adds to the owning app's viewset
(apps.core.routers.PlatformRouter.extend): ``processors/{id}/mount/`` is an action of the
processors' viewset, with the right it needs, although apps below the engine may not import it.
"""

from __future__ import annotations

import uuid

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from apps.accounts.rights import Right
from apps.calls.models import Call
from apps.calls.serializers import CallSerializer
from apps.core.errors import NotFound
from apps.core.routers import PlatformRouter
from apps.core.viewsets import SafeJSONParser
from apps.engine.control import call_cancel_request, processor_mount_request, socket_run
from apps.engine.scheduling import schedule_runs
from apps.engine.workflows import workflow_result, workflow_start
from apps.processors.serializers import ProcessorSerializer


class RunRequest(serializers.Serializer):
    args = serializers.ListField(child=serializers.JSONField(allow_null=True), required=False, default=list)
    kwargs = serializers.DictField(child=serializers.JSONField(allow_null=True), required=False, default=dict)
    run = serializers.UUIDField(required=False, allow_null=True,
                                help_text="Add the call to this existing run (a join waiting there can complete).")


class TaskCode(serializers.Serializer):
    task = serializers.CharField()
    module = serializers.CharField()
    # DRF's metaclass moves declared fields out of the class, so this does not shadow Field.source.
    source = serializers.CharField(allow_blank=True)  # type: ignore[assignment]


class ProcessorVerbs:
    """``POST /api/processors/{id}/mount/``: added to the processors' viewset."""

    rights = {"mount": Right.MOUNT_PROCESSOR}

    @extend_schema(request=None, responses={202: ProcessorSerializer})
    @action(detail=True, methods=["post"])
    def mount(self, request, id=None):
        processor = processor_mount_request(processor=self.get_object(), by=request.user)
        return Response(ProcessorSerializer(processor).data, status=status.HTTP_202_ACCEPTED)


class ScheduleRunSerializer(serializers.Serializer):
    slot = serializers.DateTimeField(
        help_text="The time the schedule named (the latest, for missed runs decided together).")
    decision = serializers.CharField(
        help_text="fired, caught_up (run for missed runs), skipped or refused (queue full).")
    missed = serializers.IntegerField(help_text="Missed runs the decision stands for.")
    note = serializers.CharField()
    call = serializers.UUIDField(source="call_id", allow_null=True)
    state = serializers.CharField(source="call.state", default=None, allow_null=True,
                                  help_text="The run's outcome: its call's state.")
    created = serializers.DateTimeField(help_text="When the scheduler decided.")


class SocketVerbs:
    """``POST /api/sockets/{id}/run/`` and ``GET /api/sockets/{id}/schedule-runs/``: added to
    the sockets' viewset."""

    rights = {"run": Right.RUN_TASK, "schedule_runs": Right.READ_SOCKET}

    @extend_schema(responses=ScheduleRunSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="schedule-runs")
    def schedule_runs(self, request, id=None):
        """The socket's latest schedule decisions (20), newest first, each run with its outcome."""
        return Response(ScheduleRunSerializer(schedule_runs(socket=self.get_object()), many=True).data)

    @extend_schema(request=RunRequest, responses={202: CallSerializer})
    @action(detail=True, methods=["post"])
    def run(self, request, id=None):
        body = RunRequest(data=request.data)
        body.is_valid(raise_exception=True)
        call = socket_run(socket=self.get_object(), args=body.validated_data["args"],
                          kwargs=body.validated_data["kwargs"], by=request.user, run=body.validated_data.get("run"))
        return Response(CallSerializer(call).data, status=status.HTTP_202_ACCEPTED)


class CallVerbs:
    """``POST /api/calls/{id}/cancel/``: added to the calls' viewset."""

    rights = {"cancel": Right.CANCEL_TASK}

    @extend_schema(request=None, responses=CallSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, id=None):
        call = call_cancel_request(call=self.get_object(), by=request.user)
        return Response(CallSerializer(call).data)


class TaskVerbs:
    """``GET /api/tasks/{id}/code/``: added to the tasks' viewset."""

    rights = {"code": Right.VIEW_PROCESSOR_CODE}

    @extend_schema(responses=TaskCode)
    @action(detail=True, methods=["get"])
    def code(self, request, id=None):
        task = self.get_object()
        return Response(TaskCode({"task": task.name, "module": task.module, "source": task.source}).data)


class WorkflowRequest(serializers.Serializer):
    workflow = serializers.JSONField(help_text="A tree of call / pipeline / parallel / funnel nodes.")


class RunCall(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    state = serializers.CharField()


class RunResponse(serializers.Serializer):
    run = serializers.UUIDField()
    state = serializers.CharField()
    result = serializers.JSONField(required=False, allow_null=True)
    error = serializers.CharField(required=False)
    calls = RunCall(many=True)


def _calls(tracking) -> list[dict]:
    rows = Call.objects.filter(tracking=tracking).order_by("created").values("id", "name", "state")
    return [dict(row) for row in rows[:1000]]


class RunViewSet(viewsets.ViewSet):
    """A run of a workflow built with the Python client's pipeline, parallel and funnel."""

    lookup_field = "run"
    parser_classes = [SafeJSONParser]
    renderer_classes = [JSONRenderer]
    rights = {"create": Right.RUN_TASK, "retrieve": Right.READ_CALL}

    @extend_schema(request=WorkflowRequest, responses={202: RunResponse})
    def create(self, request):
        body = WorkflowRequest(data=request.data)
        body.is_valid(raise_exception=True)
        tracking, calls = workflow_start(tree=body.validated_data["workflow"], by=request.user)
        payload = {"run": tracking, "state": "pending", "calls": calls}
        return Response(RunResponse(payload).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=RunResponse)
    def retrieve(self, request, run=None):
        try:
            tracking = uuid.UUID(str(run))
        except ValueError:
            raise NotFound("No such run.") from None
        calls = _calls(tracking)
        if not calls:
            raise NotFound("No such run.")
        payload = {"run": tracking, **workflow_result(tracking=tracking), "calls": calls}
        return Response(RunResponse(payload).data)


def register_routes(router: PlatformRouter) -> None:
    router.register("runs", RunViewSet, basename="run")
    router.extend("processors", ProcessorVerbs)
    router.extend("sockets", SocketVerbs)
    router.extend("calls", CallVerbs)
    router.extend("tasks", TaskVerbs)
