"""Tokens for the CLI and the client, and who the caller is."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.api._common import request_user, validated
from apps.accounts.models import ApiToken
from apps.accounts.permissions import AUTHENTICATED, PUBLIC
from apps.accounts.selectors import user_rights
from apps.accounts.serializers import (
    OwnPasswordSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    WhoamiSerializer,
)
from apps.accounts.services import login_authenticate, token_create, token_revoke, user_set_password
from apps.core.errors import BadRequest
from apps.core.serializers import ErrorSerializer
from apps.core.viewsets import PlatformViewSet


class AuthViewSet(PlatformViewSet):
    rights = {"token": PUBLIC, "token_revoke": AUTHENTICATED, "whoami": AUTHENTICATED,
              "password": AUTHENTICATED}
    pagination_class = None
    filter_backends = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            201: TokenSerializer,
            429: OpenApiResponse(ErrorSerializer, description="Too many failed attempts; wait."),
        },
        summary="Log in with a password and get a new API token",
    )
    @action(detail=False, methods=["post"], url_path="token")
    def token(self, request: Request) -> Response:
        data = validated(TokenRequestSerializer, request)
        user = login_authenticate(request=request, username=data["username"], password=data["password"])
        _, raw = token_create(user=user, by=user, name=data["name"])
        return Response({"token": raw, "username": user.username}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None}, summary="Revoke the token this request uses")
    @token.mapping.delete
    def token_revoke(self, request: Request) -> Response:
        if not isinstance(request.auth, ApiToken):
            raise BadRequest("This request was not authenticated with an API token.")
        token_revoke(token=request.auth, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=WhoamiSerializer, summary="The caller and their effective rights")
    @action(detail=False, methods=["get"])
    def whoami(self, request: Request) -> Response:
        user = request_user(request)
        body = {
            "id": user.pk, "username": user.username, "email": user.email,
            "is_superuser": user.is_superuser, "rights": sorted(user_rights(user)),
        }
        return Response(WhoamiSerializer(body).data)

    @extend_schema(request=OwnPasswordSerializer, responses={204: None},
                   summary="Change your own password (with the current one); your API tokens are revoked")
    @action(detail=False, methods=["post"])
    def password(self, request: Request) -> Response:
        data = validated(OwnPasswordSerializer, request)
        user_set_password(user=request_user(request), by=request.user, password=data["password"],
                          current_password=data["current_password"])
        return Response(status=status.HTTP_204_NO_CONTENT)
