from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from apps.accounts.models import Role, User
from apps.accounts.rights import Right
from apps.core.errors import NotAuthenticated, NotFound
from apps.core.serializers import storable_problem


def validated(serializer_class: type[Serializer[Any]], request: Request) -> dict[str, Any]:
    """The validated body of an action; 400 with field messages otherwise."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    data: dict[str, Any] = serializer.validated_data
    return data


def request_user(request: Request) -> User:
    """The user an authenticated action acts for (its declared right let no one else in)."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated("Log in first.")
    return user


def right_in_path(value: str | None) -> str:
    """A right named in the URL; 404 when there is no such right."""
    if value is None or storable_problem(value) or value not in Right.values:
        raise NotFound(f"No such right: {value!r}.")
    return value


def role_in_path(value: str | None) -> Role:
    """A role named in the URL; 404 when there is no such role."""
    role = None if value is None or storable_problem(value) else Role.objects.filter(name=value).first()
    if role is None:
        raise NotFound(f"No such role: {value!r}.")
    return role


def bulk_action(operation: str, *, summary: str, responses: Any) -> Any:
    """The viewset action ``POST <detail>/rights/<operation>/``: the view's ``_bulk`` does it.
    Built here so each operation is its own action with its own declared right."""
    from drf_spectacular.utils import extend_schema
    from rest_framework.decorators import action

    from apps.accounts.serializers import RightsSerializer

    def view(self: Any, request: Request, id: str | None = None) -> Response:
        answer: Response = self._bulk(request, operation)
        return answer

    view.__name__ = f"rights_{operation}"
    view.__doc__ = summary
    return extend_schema(request=RightsSerializer, responses=responses, summary=summary)(
        action(detail=True, methods=["post"], url_path=f"rights/{operation}")(view))
