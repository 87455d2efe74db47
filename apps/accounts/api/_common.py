from __future__ import annotations

from apps.accounts.models import Role
from apps.accounts.rights import Right
from apps.core.errors import NotFound
from apps.core.serializers import storable_problem


def validated(serializer_class, request) -> dict:
    """The validated body of an action; 400 with field messages otherwise."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def right_in_path(value: str) -> str:
    """A right named in the URL; 404 when there is no such right."""
    if storable_problem(value) or value not in Right.values:
        raise NotFound(f"No such right: {value!r}.")
    return value


def role_in_path(value: str) -> Role:
    """A role named in the URL; 404 when there is no such role."""
    role = None if storable_problem(value) else Role.objects.filter(name=value).first()
    if role is None:
        raise NotFound(f"No such role: {value!r}.")
    return role


def bulk_action(operation: str, *, summary: str, responses):
    """The viewset action ``POST <detail>/rights/<operation>/``: the view's ``_bulk`` does it.
    Built here so each operation is its own action with its own declared right."""
    from drf_spectacular.utils import extend_schema
    from rest_framework.decorators import action

    from apps.accounts.serializers import RightsSerializer

    def view(self, request, id=None):
        return self._bulk(request, operation)

    view.__name__ = f"rights_{operation}"
    view.__doc__ = summary
    return extend_schema(request=RightsSerializer, responses=responses, summary=summary)(
        action(detail=True, methods=["post"], url_path=f"rights/{operation}")(view))
