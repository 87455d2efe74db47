"""Creating, changing, deactivating and deleting users."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from apps.accounts.models import Actor, User
from apps.accounts.services._audit import audit
from apps.accounts.services.guards import acting_user, own_password_check, user_manage_check
from apps.accounts.services.tokens import tokens_revoke_all
from apps.core.errors import BadRequest, Conflict

USER_FIELDS = ("username", "email", "first_name", "last_name")


def _password_check(*, password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as error:
        raise BadRequest("The password is not acceptable.", detail={"password": error.messages}) from None


def user_create(
    *, by: Actor, username: str, password: str, email: str | None = None, first_name: str = "", last_name: str = ""
) -> User:
    """A new active user with a validated, hashed password and no rights."""
    user = User(
        username=username, email=email or None, first_name=first_name, last_name=last_name,
        owner=acting_user(by),
    )
    _password_check(password=password, user=user)
    user.set_password(password)
    with transaction.atomic():
        user.full_clean()
        user.save()
        audit(by=by, obj=user, text=f"created user {user.username}")
    return user


def user_update(*, user: User, by: Actor, fields: dict[str, Any]) -> User:
    """Change the user's name and contact fields (not the password: see user_set_password)."""
    unknown = set(fields) - set(USER_FIELDS)
    if unknown:
        raise BadRequest("These fields cannot be changed here.", detail={f: ["Not changeable."] for f in unknown})
    user_manage_check(by=by, user=user, verb="change")
    for name, value in fields.items():
        setattr(user, name, (value or None) if name == "email" else value)
    with transaction.atomic():
        user.full_clean()
        user.save()
        audit(by=by, obj=user, text=f"updated {', '.join(sorted(fields))} of user {user.username}")
    return user


def user_set_password(*, user: User, by: Actor, password: str, current_password: str | None = None) -> User:
    """Reset the password (your own only with the current one); the user's API tokens are
    revoked with it."""
    user_manage_check(by=by, user=user, verb="set the password of")
    own_password_check(by=by, user=user, current_password=current_password)
    _password_check(password=password, user=user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password", "lastupdated"])
        tokens_revoke_all(user=user, by=by)
        audit(by=by, obj=user, text=f"reset the password of user {user.username}")
    return user


def _not_self(*, user: User, by: Actor, verb: str) -> None:
    if getattr(by, "pk", None) == user.pk:
        raise Conflict(f"You cannot {verb} yourself.")


def user_deactivate(*, user: User, by: Actor) -> User:
    """The user can no longer log in; their API tokens are revoked."""
    _not_self(user=user, by=by, verb="deactivate")
    user_manage_check(by=by, user=user, verb="deactivate")
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active", "lastupdated"])
        tokens_revoke_all(user=user, by=by)
        audit(by=by, obj=user, text=f"deactivated user {user.username}")
    return user


def user_delete(*, user: User, by: Actor) -> None:
    _not_self(user=user, by=by, verb="delete")
    user_manage_check(by=by, user=user, verb="delete")
    with transaction.atomic():
        audit(by=by, obj=user, text=f"deleted user {user.username}")
        user.delete()
