"""Granting, removing, revoking and un-revoking many rights at once, for a user or a role.

One request is one decision: every right named passes the escalation rules of ``guards``
(the actor holds it, and every right of the user it changes) before anything is written,
so a request naming one right the actor lacks is refused whole, naming each such right,
and changes nothing. Rights already in the asked state are reported as unchanged, not as
errors: the same request sent twice changes nothing the second time.

The admin pages and ``POST /api/users/{id}/rights/<operation>/`` (and the roles' pair)
call these; ``OPERATION_RIGHTS`` is the right each door requires for an operation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models, transaction

from apps.accounts.models import Actor, Privilege, RevokedPrivilege, Role, RolePrivilege, User, UserPrivilege
from apps.accounts.rights import Right
from apps.accounts.services._audit import audit
from apps.accounts.services.guards import acting_user, rights_hold_check, user_manage_check
from apps.core.errors import BadRequest

MAX_RIGHTS = len(Right.values)


class Operation(models.TextChoices):
    GRANT = "grant", "grant"
    REMOVE = "remove", "remove"
    REVOKE = "revoke", "revoke"
    UNREVOKE = "unrevoke", "lift the revocation of"


#: The right the caller must hold to ask for an operation at all (as for one right).
OPERATION_RIGHTS: dict[str, str] = {
    Operation.GRANT: Right.ADD_PRIVILEGE, Operation.REMOVE: Right.DELETE_PRIVILEGE,
    Operation.REVOKE: Right.UPDATE_PRIVILEGE, Operation.UNREVOKE: Right.UPDATE_PRIVILEGE,
}
ROLE_OPERATIONS = (Operation.GRANT, Operation.REMOVE)
_USER_VERBS = {Operation.GRANT: "grant privileges to", Operation.REMOVE: "remove privileges from",
               Operation.REVOKE: "revoke privileges from", Operation.UNREVOKE: "lift revocations of"}


@dataclass(frozen=True)
class BulkResult:
    operation: str
    changed: list[str]  # rights whose state this request changed
    unchanged: list[str]  # rights already as asked (granted, absent, revoked, not revoked)


def rights_clean(rights: Iterable[object]) -> list[str]:
    """The distinct rights named, sorted; BadRequest (field ``rights``) naming any name that
    is not a right, or for none at all."""
    names = sorted({str(right) for right in rights})
    unknown = [name for name in names if name not in Right.values]
    if unknown:
        shown = ", ".join(repr(name[:60]) for name in unknown[:10])
        raise BadRequest(f"Not rights: {shown}.", detail={"rights": [f"Not rights: {shown}."]})
    if not names:
        raise BadRequest("Choose at least one right.", detail={"rights": ["Choose at least one right."]})
    return names


def operation_of(value: object) -> Operation:
    """The operation named; BadRequest (field ``operation``) for any other value."""
    if value not in Operation.values:
        choices = ", ".join(Operation.values)
        raise BadRequest(f"Unknown operation: use {choices}.", detail={"operation": [f"Use {choices}."]})
    return Operation(str(value))


def user_rights_bulk(*, user: User, operation: str, rights: Iterable[object], by: Actor) -> BulkResult:
    """Apply ``operation`` to each of ``rights`` for ``user``, all or nothing."""
    operation = operation_of(operation)
    names = rights_clean(rights)
    user_manage_check(by=by, user=user, verb=_USER_VERBS[operation])
    rights_hold_check(by=by, rights=names, verb=operation.label)
    model = RevokedPrivilege if operation in (Operation.REVOKE, Operation.UNREVOKE) else UserPrivilege
    adding = operation in (Operation.GRANT, Operation.REVOKE)
    with transaction.atomic():
        result = _apply(model=model, holder={"user": user}, names=names, adding=adding, by=by,
                        operation=operation)
        _audit(by=by, obj=user, result=result, whom=f"user {user.username}")
    return result


def role_rights_bulk(*, role: Role, operation: str, rights: Iterable[object], by: Actor) -> BulkResult:
    """Grant ``rights`` to the role or remove them from it, all or nothing."""
    operation = operation_of(operation)
    if operation not in ROLE_OPERATIONS:
        raise BadRequest(f"A role's rights are granted or removed, not {operation.value}d.")
    names = rights_clean(rights)
    rights_hold_check(by=by, rights=names, verb=operation.label)
    with transaction.atomic():
        result = _apply(model=RolePrivilege, holder={"role": role}, names=names,
                        adding=operation == Operation.GRANT, by=by, operation=operation)
        _audit(by=by, obj=role, result=result, whom=f"role {role.name}")
    return result


def _audit(*, by: Actor, obj: models.Model, result: BulkResult, whom: str) -> None:
    if result.changed:
        audit(by=by, obj=obj, text=f"bulk {result.operation} for {whom}: {', '.join(result.changed)}")


def _apply(*, model: type[models.Model], holder: dict[str, models.Model], names: list[str], adding: bool, by: Actor,
           operation: str) -> BulkResult:
    rows = model._default_manager.filter(**holder, privilege__right__in=names)
    present = set(rows.values_list("privilege__right", flat=True))
    if not adding:
        rows.delete()
        return BulkResult(operation=operation, changed=sorted(present), unchanged=sorted(set(names) - present))
    missing = [name for name in names if name not in present]
    privileges = _privileges(missing)
    actor = acting_user(by)
    # ignore_conflicts: a grant racing this one for the same right leaves one row, not a 500.
    model._default_manager.bulk_create([model(by=actor, privilege=privileges[name], **holder) for name in missing],
                                       ignore_conflicts=True)
    return BulkResult(operation=operation, changed=missing, unchanged=sorted(present))


def _privileges(names: list[str]) -> dict[str, Privilege]:
    """The privilege row of each right (one per right; created when a flush removed it)."""
    found = {p.right: p for p in Privilege.objects.filter(right__in=names)}
    for name in names:
        if name not in found:
            found[name], _ = Privilege.objects.get_or_create(right=name, defaults={"name": name})
    return found
