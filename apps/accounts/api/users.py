"""Users: CRUD, password reset, deactivation, privileges, revocations, roles, effective rights."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from apps.accounts import services
from apps.accounts.api._common import bulk_action, right_in_path, role_in_path, validated
from apps.accounts.models import User
from apps.accounts.rights import Right, crud_rights
from apps.accounts.selectors import user_rights_explained
from apps.accounts.serializers import (
    PasswordSerializer,
    RightExplainedSerializer,
    RightSerializer,
    RightsSerializer,
    RoleNameSerializer,
    UserBulkResultSerializer,
    UserCreateSerializer,
    UserSerializer,
)
from apps.accounts.services.rights_bulk import OPERATION_RIGHTS, Operation
from apps.core.filters import filterset_for
from apps.core.viewsets import CrudViewSet


def _explained(user: User, *, code: int = status.HTTP_200_OK) -> Response:
    rows = user_rights_explained(user=User.objects.get(pk=user.pk))
    return Response(RightExplainedSerializer(rows, many=True).data, status=code)


class UserViewSet(CrudViewSet):
    """Users. Revoking and un-revoking a privilege need UPDATE_PRIVILEGE: a revocation changes
    what a privilege does for one user, it neither adds a privilege nor deletes one."""

    queryset = User.objects.prefetch_related("roles").order_by("username")
    serializer_class = UserSerializer
    filterset_class = filterset_for(
        User, name_field="username", by_name={"role": "roles__name"}, fields=("is_active",)
    )
    search_fields = ["username", "email"]
    ordering_fields = ["username", "email", "date_joined", "last_login", "lastupdated"]
    rights = {
        **crud_rights("USER", "USERS"),
        "set_password": Right.UPDATE_USER,
        "deactivate": Right.UPDATE_USER,
        "rights_explained": Right.READ_USER,
        "privilege_grant": Right.ADD_PRIVILEGE,
        "privilege_remove": Right.DELETE_PRIVILEGE,
        "privilege_revoke": Right.UPDATE_PRIVILEGE,
        "privilege_unrevoke": Right.UPDATE_PRIVILEGE,
        "role_add": Right.UPDATE_USER,
        "role_remove": Right.UPDATE_USER,
        **{f"rights_{operation}": right for operation, right in OPERATION_RIGHTS.items()},
    }

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return UserCreateSerializer if self.action == "create" else UserSerializer

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        serializer.instance = services.user_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        serializer.instance = services.user_update(
            user=cast(User, serializer.instance), by=self.request.user, fields=serializer.validated_data
        )

    def perform_destroy(self, instance: User) -> None:
        services.user_delete(user=instance, by=self.request.user)

    @extend_schema(request=PasswordSerializer, responses=UserSerializer, summary="Reset the password")
    @action(detail=True, methods=["post"])
    def set_password(self, request: Request, id: str | None = None) -> Response:
        user = self.get_object()
        data = validated(PasswordSerializer, request)
        services.user_set_password(
            user=user, by=request.user, password=data["password"],
            current_password=data.get("current_password"),
        )
        return Response(UserSerializer(user).data)

    @extend_schema(request=None, responses=UserSerializer, summary="Deactivate: no more log-in")
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, id: str | None = None) -> Response:
        user = services.user_deactivate(user=self.get_object(), by=request.user)
        return Response(UserSerializer(user).data)

    @extend_schema(responses=RightExplainedSerializer(many=True), summary="Effective rights and their sources")
    @action(detail=True, methods=["get"], url_path="rights", pagination_class=None, filter_backends=[])
    def rights_explained(self, request: Request, id: str | None = None) -> Response:
        return _explained(self.get_object())

    @extend_schema(request=RightSerializer, responses={201: RightExplainedSerializer(many=True)},
                   summary="Grant a privilege directly")
    @action(detail=True, methods=["post"], url_path="privileges")
    def privilege_grant(self, request: Request, id: str | None = None) -> Response:
        user = self.get_object()
        data = validated(RightSerializer, request)
        services.user_privilege_grant(user=user, right=data["right"], by=request.user)
        return _explained(user, code=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None}, summary="Remove a direct privilege")
    @action(detail=True, methods=["delete"], url_path=r"privileges/(?P<right>[^/]+)")
    def privilege_remove(self, request: Request, id: str | None = None, right: str | None = None) -> Response:
        user = self.get_object()
        services.user_privilege_remove(user=user, right=right_in_path(right), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=RightSerializer, responses={201: RightExplainedSerializer(many=True)},
                   summary="Revoke a right (wins over any grant, roles included)")
    @action(detail=True, methods=["post"], url_path="revoked")
    def privilege_revoke(self, request: Request, id: str | None = None) -> Response:
        user = self.get_object()
        data = validated(RightSerializer, request)
        services.user_privilege_revoke(user=user, right=data["right"], by=request.user)
        return _explained(user, code=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None}, summary="Lift a revocation")
    @action(detail=True, methods=["delete"], url_path=r"revoked/(?P<right>[^/]+)")
    def privilege_unrevoke(self, request: Request, id: str | None = None, right: str | None = None) -> Response:
        user = self.get_object()
        services.user_privilege_unrevoke(user=user, right=right_in_path(right), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=RoleNameSerializer, responses={201: UserSerializer}, summary="Give a role")
    @action(detail=True, methods=["post"], url_path="roles")
    def role_add(self, request: Request, id: str | None = None) -> Response:
        user = self.get_object()
        data = validated(RoleNameSerializer, request)
        services.user_role_add(user=user, role=data["role"], by=request.user)
        return Response(UserSerializer(User.objects.get(pk=user.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None}, summary="Take a role away")
    @action(detail=True, methods=["delete"], url_path=r"roles/(?P<role>[^/]+)")
    def role_remove(self, request: Request, id: str | None = None, role: str | None = None) -> Response:
        user = self.get_object()
        services.user_role_remove(user=user, role=role_in_path(role), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _bulk(self, request: Request, operation: str) -> Response:
        user = self.get_object()
        data = validated(RightsSerializer, request)
        result = services.user_rights_bulk(user=user, operation=operation, rights=data["rights"], by=request.user)
        rights = user_rights_explained(user=User.objects.get(pk=user.pk))
        return Response(UserBulkResultSerializer({**vars(result), "rights": rights}).data)

    rights_grant = bulk_action(Operation.GRANT, responses=UserBulkResultSerializer,
                               summary="Grant many rights directly, all or none")
    rights_remove = bulk_action(Operation.REMOVE, responses=UserBulkResultSerializer,
                                summary="Remove many direct privileges, all or none")
    rights_revoke = bulk_action(Operation.REVOKE, responses=UserBulkResultSerializer,
                                summary="Revoke many rights, all or none")
    rights_unrevoke = bulk_action(Operation.UNREVOKE, responses=UserBulkResultSerializer,
                                  summary="Lift many revocations, all or none")
