"""The DRF permission every API view uses: each action declares the right it needs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.permissions import BasePermission

from apps.accounts.selectors import user_has_right

if TYPE_CHECKING:  # DRF's views load their settings, which name this module
    from rest_framework.request import Request
    from rest_framework.views import APIView

    from apps.accounts.models import Actor

PUBLIC = "PUBLIC"
AUTHENTICATED = "AUTHENTICATED"


def required_right(view: APIView) -> str | None:
    """The right a view's current action needs, from ``view.rights`` (action -> right)."""
    rights: dict[str, str] | None = getattr(view, "rights", None)
    if rights is None:
        return None
    action = getattr(view, "action", None) or (view.request.method or "").lower()
    return rights.get(action)


def right_require(user: Actor, right: str, *, to: str = "do this") -> None:
    """Forbidden, with the API's message, unless the user holds ``right`` (``AUTHENTICATED``:
    any logged-in user). For the checks a view's one declared right cannot make: a deploy's
    objects, a socket's schedule, a page's actions."""
    # Imported here: apps.core.errors imports DRF's views, whose settings import this module.
    from apps.core.errors import Forbidden

    if right == AUTHENTICATED and user is not None and user.is_authenticated:
        return
    if not user_has_right(user, right):
        raise Forbidden(f"You need the {right} right to {to}.")


class HasRight(BasePermission):
    """Deny by default: a view whose action declares no right is refused to everyone."""

    message = "You do not have the right to do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        right = required_right(view)
        if right == PUBLIC:
            return True
        if not (request.user and request.user.is_authenticated):
            return False
        if right is None:
            return False
        if right == AUTHENTICATED:
            return True
        self.message = f"You need the {right} right to do this."
        return user_has_right(request.user, right)
