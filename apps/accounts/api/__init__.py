"""The accounts API: auth, users, roles, privileges, the audit log and platform settings."""

from __future__ import annotations

import apps.accounts.schema  # noqa: F401  (registers the token scheme)
from apps.accounts.api.auth import AuthViewSet
from apps.accounts.api.platform import LogViewSet, SettingViewSet
from apps.accounts.api.roles import PrivilegeViewSet, RoleViewSet
from apps.accounts.api.users import UserViewSet
from apps.core.routers import PlatformRouter


def register_routes(router: PlatformRouter) -> None:
    router.register("auth", AuthViewSet, basename="auth")
    router.register("users", UserViewSet, basename="user")
    router.register("roles", RoleViewSet, basename="role")
    router.register("privileges", PrivilegeViewSet, basename="privilege")
    router.register("logs", LogViewSet, basename="log")
    router.register("settings", SettingViewSet, basename="setting")
