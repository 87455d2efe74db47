"""The flows API: files, flows and their immutable versions (create and read only)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.rights import Right, crud_rights
from apps.core.errors import NotFound
from apps.core.filters import filterset_for
from apps.core.routers import PlatformRouter
from apps.core.viewsets import CrudViewSet, PlatformViewSet
from apps.flows import serializers as s
from apps.flows import services
from apps.flows.deploy import flow_deploy
from apps.flows.models import File, Flow, Version


class FileViewSet(CrudViewSet):
    queryset = File.objects.select_related("owner")
    serializer_class = s.FileSerializer
    filterset_class = filterset_for(File, fields=("filename", "collection", "type", "status"))
    search_fields = ["name", "filename", "path"]
    rights = crud_rights("FILE", "FILES")


class FlowViewSet(CrudViewSet):
    queryset = Flow.objects.select_related("owner", "file").prefetch_related("processors")
    serializer_class = s.FlowSerializer
    filterset_class = filterset_for(
        Flow, by_name={"processor": "processors__name", "file": "file__name"}, fields=("status",)
    )
    rights = {**crud_rights("FLOW", "FLOWS"), "deploy": Right.DEPLOY_FLOW}

    def get_queryset(self):
        return super().get_queryset().distinct()

    @extend_schema(request=s.DeployRequest, responses=s.DeployResult)
    @action(detail=True, methods=["post"])
    def deploy(self, request, id=None):
        flow = self.get_object()
        body = s.DeployRequest(data=request.data)
        body.is_valid(raise_exception=True)
        version = flow.versions.filter(number=body.validated_data["version"]).first()
        if version is None:
            raise NotFound(f"Flow '{flow.name}' has no version {body.validated_data['version']}.")
        objects = flow_deploy(flow=flow, version=version, by=request.user)
        return Response(s.DeployResult({"version": version.number, "objects": objects}).data)

    def perform_create(self, serializer) -> None:
        serializer.instance = services.flow_create(by=self.request.user, fields=serializer.validated_data)

    def perform_update(self, serializer) -> None:
        serializer.instance = services.flow_update(
            flow=serializer.instance, by=self.request.user, fields=serializer.validated_data
        )

    def perform_destroy(self, instance) -> None:
        services.flow_delete(flow=instance, by=self.request.user)


class VersionViewSet(
    PlatformViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """Versions are immutable: create and read only."""

    queryset = Version.objects.select_related("owner", "flow", "file", "author")
    serializer_class = s.VersionSerializer
    filterset_class = filterset_for(Version, by_name=("flow",), fields=("number",))
    ordering_fields = ["name", "number", "created"]
    rights = crud_rights("VERSION", "VERSIONS", actions=("list", "retrieve", "create"))

    def perform_create(self, serializer) -> None:
        serializer.instance = services.version_create(by=self.request.user, fields=serializer.validated_data)


def register_routes(router: PlatformRouter) -> None:
    router.register("files", FileViewSet, basename="file")
    router.register("flows", FlowViewSet, basename="flow")
    router.register("versions", VersionViewSet, basename="version")
