"""Users, roles, privileges and API tokens.

A privilege is a right given a name; one privilege row exists per right. Users get
privileges directly or through roles, and a revoked privilege wins over both.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime
from typing import TypeAlias

from django.conf import settings
from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db import models

from apps.accounts.rights import Right
from apps.core.models import BaseModel, Status


class User(AbstractUser):
    """A platform user. Passwords are hashed by Django's password hashers."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # A user may have no email (NULL, so that the unique constraint allows many); AbstractUser types it as str.
    email = models.EmailField(unique=True, blank=True, null=True)  # type: ignore[assignment]
    owner = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.READY)
    requested_status = models.CharField(max_length=20, choices=Status.choices, default=Status.READY)
    lastupdated = models.DateTimeField(auto_now=True)
    roles: models.ManyToManyField[Role, UserRole] = models.ManyToManyField(
        "Role", through="UserRole", through_fields=("user", "role"), related_name="users", blank=True
    )
    privileges: models.ManyToManyField[Privilege, UserPrivilege] = models.ManyToManyField(
        "Privilege",
        through="UserPrivilege",
        through_fields=("user", "privilege"),
        related_name="users",
        blank=True,
    )
    revoked: models.ManyToManyField[Privilege, RevokedPrivilege] = models.ManyToManyField(
        "Privilege",
        through="RevokedPrivilege",
        through_fields=("user", "privilege"),
        related_name="revoked_from",
        blank=True,
    )

    class Meta:
        db_table = "users"
        ordering = ["username"]

    @property
    def name(self) -> str:
        return self.username

    @property
    def enabled(self) -> bool:
        return self.is_active

    @property
    def created(self) -> datetime:
        return self.date_joined


# Who acts in a service: a user, a request's anonymous user, or None (the platform itself:
# a migration, the agent, a management command). The audit log records the user, if any.
Actor: TypeAlias = User | AnonymousUser | None


class Privilege(BaseModel):
    right = models.CharField(max_length=40, choices=Right.choices, unique=True)

    class Meta(BaseModel.Meta):
        db_table = "privilege"


class Role(BaseModel):
    privileges: models.ManyToManyField[Privilege, RolePrivilege] = models.ManyToManyField(
        Privilege,
        through="RolePrivilege",
        through_fields=("role", "privilege"),
        related_name="roles",
        blank=True,
    )

    class Meta(BaseModel.Meta):
        db_table = "role"


class _Grant(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    lastupdated = models.DateTimeField(auto_now=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True


class UserRole(_Grant):
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    role = models.ForeignKey(Role, on_delete=models.CASCADE)

    class Meta:
        db_table = "user_roles"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="user_role_unique")]


class UserPrivilege(_Grant):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="user_privileges")
    privilege = models.ForeignKey(Privilege, on_delete=models.CASCADE)

    class Meta:
        db_table = "user_privileges"
        constraints = [
            models.UniqueConstraint(fields=["user", "privilege"], name="user_privilege_unique")
        ]


class RevokedPrivilege(_Grant):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="revoked_privileges")
    privilege = models.ForeignKey(Privilege, on_delete=models.CASCADE)

    class Meta:
        db_table = "user_privileges_revoked"
        constraints = [
            models.UniqueConstraint(fields=["user", "privilege"], name="revoked_privilege_unique")
        ]


class RolePrivilege(_Grant):
    role = models.ForeignKey(Role, on_delete=models.CASCADE)
    privilege = models.ForeignKey(Privilege, on_delete=models.CASCADE)

    class Meta:
        db_table = "role_privileges"
        constraints = [
            models.UniqueConstraint(fields=["role", "privilege"], name="role_privilege_unique")
        ]


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A revocable bearer token for the CLI and the client. Only its digest is stored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=100, default="cli")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="First characters, to tell tokens apart.")
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "login"
        ordering = ["-created"]

    @staticmethod
    def generate() -> str:
        return "ec_" + secrets.token_urlsafe(32)

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"
