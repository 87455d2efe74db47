"""Roles (and the privileges they grant) and the privilege list (one row per right)."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from apps.accounts import services
from apps.accounts.api._common import bulk_action, right_in_path, validated
from apps.accounts.models import Privilege, Role
from apps.accounts.right_catalog import right_catalog
from apps.accounts.rights import Right, crud_rights
from apps.accounts.serializers import (
    PrivilegeSerializer,
    RightGroupSerializer,
    RightSerializer,
    RightsSerializer,
    RoleBulkResultSerializer,
    RoleSerializer,
)
from apps.accounts.services.rights_bulk import OPERATION_RIGHTS, ROLE_OPERATIONS, Operation
from apps.core.filters import filterset_for
from apps.core.viewsets import CrudViewSet, ReadOnlyViewSet


class RoleViewSet(CrudViewSet):
    queryset = Role.objects.prefetch_related("privileges").order_by("name")
    serializer_class = RoleSerializer
    filterset_class = filterset_for(Role, by_name={"user": "users__username"}, fields=("enabled",))
    rights = {
        **crud_rights("ROLE", "ROLES"),
        "privilege_grant": Right.ADD_PRIVILEGE,
        "privilege_remove": Right.DELETE_PRIVILEGE,
        **{f"rights_{operation}": OPERATION_RIGHTS[operation] for operation in ROLE_OPERATIONS},
    }

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        serializer.instance = services.role_create(by=self.request.user, fields=serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        serializer.instance = services.role_update(
            role=cast(Role, serializer.instance), by=self.request.user, fields=serializer.validated_data
        )

    def perform_destroy(self, instance: Role) -> None:
        services.role_delete(role=instance, by=self.request.user)

    @extend_schema(request=RightSerializer, responses={201: RoleSerializer}, summary="Grant a privilege to the role")
    @action(detail=True, methods=["post"], url_path="privileges")
    def privilege_grant(self, request: Request, id: str | None = None) -> Response:
        role = self.get_object()
        data = validated(RightSerializer, request)
        services.role_privilege_grant(role=role, right=data["right"], by=request.user)
        return Response(RoleSerializer(Role.objects.get(pk=role.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None}, summary="Remove a privilege from the role")
    @action(detail=True, methods=["delete"], url_path=r"privileges/(?P<right>[^/]+)")
    def privilege_remove(self, request: Request, id: str | None = None, right: str | None = None) -> Response:
        role = self.get_object()
        services.role_privilege_remove(role=role, right=right_in_path(right), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _bulk(self, request: Request, operation: str) -> Response:
        role = self.get_object()
        data = validated(RightsSerializer, request)
        result = services.role_rights_bulk(role=role, operation=operation, rights=data["rights"], by=request.user)
        privileges = sorted(role.privileges.values_list("right", flat=True))
        return Response(RoleBulkResultSerializer({**vars(result), "privileges": privileges}).data)

    rights_grant = bulk_action(Operation.GRANT, responses=RoleBulkResultSerializer,
                               summary="Grant many rights to the role, all or none")
    rights_remove = bulk_action(Operation.REMOVE, responses=RoleBulkResultSerializer,
                                summary="Remove many rights from the role, all or none")


class PrivilegeViewSet(ReadOnlyViewSet):
    """One privilege per right; they are seeded with the rights list, not created here."""

    queryset = Privilege.objects.order_by("right")
    serializer_class = PrivilegeSerializer
    filterset_class = filterset_for(Privilege, fields=("right",))
    search_fields = ["name", "right"]
    ordering_fields = ["name", "right", "created"]
    rights = {**crud_rights("PRIVILEGE", "PRIVILEGES", actions=("list", "retrieve")), "catalog": Right.LS_PRIVILEGES}

    @extend_schema(responses=RightGroupSerializer(many=True), summary="Every right with its description, by object")
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def catalog(self, request: Request) -> Response:
        return Response(RightGroupSerializer(right_catalog(), many=True).data)
