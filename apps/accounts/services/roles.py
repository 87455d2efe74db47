"""Creating, changing and deleting roles (their privileges: see grants)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.accounts.models import Actor, Role, User
from apps.accounts.services._audit import audit
from apps.accounts.services.guards import role_rights_hold_check


def role_create(*, by: Actor, fields: dict[str, Any]) -> Role:
    role = Role(**fields)
    if isinstance(by, User) and by.is_authenticated:
        role.owner = by
    with transaction.atomic():
        role.full_clean()
        role.save()
        audit(by=by, obj=role, text=f"created role {role.name}")
    return role


def role_update(*, role: Role, by: Actor, fields: dict[str, Any]) -> Role:
    """Changing a role (disabling it takes its rights from its users) needs its rights."""
    role_rights_hold_check(by=by, role=role, verb="change")
    for name, value in fields.items():
        setattr(role, name, value)
    with transaction.atomic():
        role.full_clean()
        role.save()
        audit(by=by, obj=role, text=f"updated {', '.join(sorted(fields))} of role {role.name}")
    return role


def role_delete(*, role: Role, by: Actor) -> None:
    """Delete the role; its users lose the rights it granted, so it needs them."""
    role_rights_hold_check(by=by, role=role, verb="delete")
    with transaction.atomic():
        audit(by=by, obj=role, text=f"deleted role {role.name}")
        role.delete()
