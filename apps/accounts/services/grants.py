"""Granting privileges to users and roles, revoking them from users, giving users roles.

A right is granted by naming it (``"ADD_PROCESSOR"``); its privilege row is found (one per
right). Granting twice is a 409; removing what is not there is a 404. Every change first
passes the escalation rules of ``guards``: the actor holds the right (or the role's rights)
and every right of the user it changes.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models, transaction

from apps.accounts.models import (
    Actor,
    Privilege,
    RevokedPrivilege,
    Role,
    RolePrivilege,
    User,
    UserPrivilege,
    UserRole,
)
from apps.accounts.rights import Right
from apps.accounts.services._audit import audit
from apps.accounts.services.guards import acting_user, rights_hold_check, role_rights_hold_check, user_manage_check
from apps.core.errors import BadRequest, Conflict, NotFound


def privilege_of(*, right: str) -> Privilege:
    """The privilege row of a right; BadRequest (field ``right``) for an unknown right."""
    if right not in Right.values:
        raise BadRequest("No such right.", detail={"right": [f"'{right}' is not a right."]})
    privilege, _ = Privilege.objects.get_or_create(right=right, defaults={"name": right})
    return privilege


M = TypeVar("M", bound=models.Model)


def _add(*, model: type[M], by: Actor, duplicate: str, **keys: object) -> M:
    if model._default_manager.filter(**keys).exists():
        raise Conflict(duplicate)
    row = model(by=acting_user(by), **keys)
    row.full_clean()
    row.save()
    return row


def _remove(*, model: type[models.Model], missing: str, **keys: object) -> None:
    deleted, _ = model._default_manager.filter(**keys).delete()
    if not deleted:
        raise NotFound(missing)


def user_privilege_grant(*, user: User, right: str, by: Actor) -> UserPrivilege:
    user_manage_check(by=by, user=user, verb="grant privileges to")
    privilege = privilege_of(right=right)
    rights_hold_check(by=by, rights=[right], verb="grant")
    with transaction.atomic():
        row = _add(
            model=UserPrivilege, by=by, user=user, privilege=privilege,
            duplicate=f"User {user.username} already has the privilege {right}.",
        )
        audit(by=by, obj=user, text=f"granted privilege {right} to user {user.username}")
    return row


def user_privilege_remove(*, user: User, right: str, by: Actor) -> None:
    user_manage_check(by=by, user=user, verb="remove privileges from")
    rights_hold_check(by=by, rights=[right], verb="remove")
    with transaction.atomic():
        _remove(
            model=UserPrivilege, user=user, privilege__right=right,
            missing=f"User {user.username} has no direct privilege {right}.",
        )
        audit(by=by, obj=user, text=f"removed privilege {right} from user {user.username}")


def user_privilege_revoke(*, user: User, right: str, by: Actor) -> RevokedPrivilege:
    """The right is denied to the user whatever their privileges and roles grant."""
    user_manage_check(by=by, user=user, verb="revoke privileges from")
    privilege = privilege_of(right=right)
    rights_hold_check(by=by, rights=[right], verb="revoke")
    with transaction.atomic():
        row = _add(
            model=RevokedPrivilege, by=by, user=user, privilege=privilege,
            duplicate=f"The privilege {right} is already revoked from user {user.username}.",
        )
        audit(by=by, obj=user, text=f"revoked privilege {right} from user {user.username}")
    return row


def user_privilege_unrevoke(*, user: User, right: str, by: Actor) -> None:
    user_manage_check(by=by, user=user, verb="lift revocations of")
    rights_hold_check(by=by, rights=[right], verb="lift the revocation of")
    with transaction.atomic():
        _remove(
            model=RevokedPrivilege, user=user, privilege__right=right,
            missing=f"The privilege {right} is not revoked from user {user.username}.",
        )
        audit(by=by, obj=user, text=f"un-revoked privilege {right} of user {user.username}")


def user_role_add(*, user: User, role: Role, by: Actor) -> UserRole:
    user_manage_check(by=by, user=user, verb="give roles to")
    role_rights_hold_check(by=by, role=role, verb="give")
    with transaction.atomic():
        row = _add(
            model=UserRole, by=by, user=user, role=role,
            duplicate=f"User {user.username} already has the role {role.name}.",
        )
        audit(by=by, obj=user, text=f"gave role {role.name} to user {user.username}")
    return row


def user_role_remove(*, user: User, role: Role, by: Actor) -> None:
    user_manage_check(by=by, user=user, verb="take roles from")
    role_rights_hold_check(by=by, role=role, verb="take away")
    with transaction.atomic():
        _remove(
            model=UserRole, user=user, role=role,
            missing=f"User {user.username} does not have the role {role.name}.",
        )
        audit(by=by, obj=user, text=f"took role {role.name} from user {user.username}")


def role_privilege_grant(*, role: Role, right: str, by: Actor) -> RolePrivilege:
    privilege = privilege_of(right=right)
    rights_hold_check(by=by, rights=[right], verb="grant")
    with transaction.atomic():
        row = _add(
            model=RolePrivilege, by=by, role=role, privilege=privilege,
            duplicate=f"Role {role.name} already has the privilege {right}.",
        )
        audit(by=by, obj=role, text=f"granted privilege {right} to role {role.name}")
    return row


def role_privilege_remove(*, role: Role, right: str, by: Actor) -> None:
    rights_hold_check(by=by, rights=[right], verb="remove")
    with transaction.atomic():
        _remove(
            model=RolePrivilege, role=role, privilege__right=right,
            missing=f"Role {role.name} has no privilege {right}.",
        )
        audit(by=by, obj=role, text=f"removed privilege {right} from role {role.name}")
