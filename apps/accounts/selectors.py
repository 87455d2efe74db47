"""Reads about users. ``user_rights`` is the only way code asks "may this user do X"."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from apps.accounts.models import Actor, Privilege, User
from apps.accounts.rights import ALL_RIGHTS, Right

_CACHE_ATTR = "_effective_rights"


def user_rights(user: Actor) -> frozenset[str]:
    """Effective rights: direct privileges plus role privileges, minus revoked ones.

    ``ALL`` (when not revoked) expands to every right; a revoked right wins over any
    grant, including ``ALL``. Superusers hold every right. Cached on the user object,
    which lives for one request.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    rights = user_rights_granted(user)
    setattr(user, _CACHE_ATTR, rights)
    return rights


def user_rights_granted(user: User) -> frozenset[str]:
    """What the user's privileges, roles and revocations add up to, active or not (uncached):
    what a deactivated user would hold again once reactivated."""
    granted = set(
        Privilege.objects.filter(Q(users=user) | Q(roles__users=user)).values_list("right", flat=True)
    )
    revoked = set(user.revoked.values_list("right", flat=True))
    if user.is_superuser or (Right.ALL in granted and Right.ALL not in revoked):
        granted = set(ALL_RIGHTS)
    return frozenset(granted - revoked)


def user_rights_forget(user: Actor) -> None:
    """Drop the cached rights of a user object that outlives a request (tests, websockets)."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def user_has_right(user: Actor, right: str) -> bool:
    return right in user_rights(user)


def user_rights_explained(*, user: User) -> list[dict[str, Any]]:
    """Each right the user holds or had revoked, with where it comes from."""
    rows: dict[str, dict[str, Any]] = {}
    for right in user.privileges.values_list("right", flat=True):
        rows.setdefault(right, {"right": right, "sources": []})["sources"].append("direct")
    for role_name, right in Privilege.objects.filter(roles__users=user).values_list(
        "roles__name", "right"
    ):
        rows.setdefault(right, {"right": right, "sources": []})["sources"].append(f"role:{role_name}")
    effective = user_rights(user)
    for right in user.revoked.values_list("right", flat=True):
        rows.setdefault(right, {"right": right, "sources": []})["sources"].append("revoked")
    for row in rows.values():
        row["effective"] = row["right"] in effective
    return sorted(rows.values(), key=lambda row: row["right"])
