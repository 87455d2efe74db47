"""The rules that keep a right from escalating, checked by every write on users, roles and grants.

They are the rules of Django's own admin and of GitLab's "you cannot grant above your own
level", so whichever door a change comes through (API, admin pages, CLI, a script) the
same service refuses it:

- nobody grants, gives through a role, removes, revokes or un-revokes a right they do not
  hold themselves (``ALL`` only by someone holding every right);
- nobody changes, deactivates, deletes or sets the password of a user who holds a right
  they lack, and a superuser only by a superuser;
- a user changes their own password only with the current one.

``by`` is the acting user; ``None`` (or an anonymous user) is the platform itself
(management commands, setup), which these rules do not bind.
"""

from __future__ import annotations

from collections.abc import Iterable

from apps.accounts.models import Actor, Role, User
from apps.accounts.rights import ALL_RIGHTS, Right
from apps.accounts.selectors import user_rights, user_rights_granted
from apps.core.errors import BadRequest, Forbidden

_SHOWN = 5


def acting_user(by: Actor) -> User | None:
    """The user behind ``by``, or None for the platform itself (or an anonymous user)."""
    return by if isinstance(by, User) and by.is_authenticated else None


def _listed(rights: Iterable[str]) -> str:
    names = sorted(rights)
    more = f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else ""
    return ", ".join(names[:_SHOWN]) + more


def rights_missing(*, by: Actor, rights: Iterable[str]) -> list[str]:
    """Those of ``rights`` that ``by`` does not hold, by the names asked for: ``ALL`` is
    missing unless ``by`` holds every right (one revoked right is enough to lack it)."""
    actor = acting_user(by)
    if actor is None:
        return []
    held = user_rights(actor)
    wanted = set(rights)
    missing = sorted(right for right in wanted - {Right.ALL} if right not in held)
    if Right.ALL in wanted and not set(ALL_RIGHTS) <= held:
        missing.insert(0, Right.ALL)
    return missing


def rights_hold_check(*, by: Actor, rights: Iterable[str], verb: str) -> None:
    """Forbidden unless ``by`` holds every one of ``rights`` (``ALL`` meaning every right).
    The message names every right asked for that ``by`` lacks: a bulk request is refused
    as a whole, and the admin sees all that stood in the way at once."""
    missing = rights_missing(by=by, rights=rights)
    if missing:
        raise Forbidden(
            f"You cannot {verb} a right you do not hold yourself: {', '.join(missing)}.",
            detail={"missing_rights": missing},
        )


def role_rights_hold_check(*, by: Actor, role: Role, verb: str) -> None:
    """Forbidden unless ``by`` holds every right the role grants."""
    rights = role.privileges.values_list("right", flat=True)
    rights_hold_check(by=by, rights=rights, verb=f"{verb} role {role.name}, which grants")


def user_manage_check(*, by: Actor, user: User, verb: str) -> None:
    """Forbidden when ``user`` is a superuser and ``by`` is not, or holds a right ``by`` lacks.

    A user acting on themselves passes (their own password has its own rule); a deactivated
    user counts with the rights they would hold again."""
    actor = acting_user(by)
    if actor is None or actor.pk == user.pk:
        return
    if user.is_superuser and not actor.is_superuser:
        raise Forbidden(f"Only a superuser can {verb} the superuser {user.username}.")
    missing = user_rights_granted(user) - user_rights(actor)
    if missing:
        raise Forbidden(
            f"You cannot {verb} user {user.username}: they hold rights you do not ({_listed(missing)}).",
            detail={"missing_rights": sorted(missing)},
        )


def own_password_check(*, by: Actor, user: User, current_password: str | None) -> None:
    """A user setting their own password must give the current one."""
    actor = acting_user(by)
    if actor is None or actor.pk != user.pk:
        return
    if not current_password:
        raise BadRequest(
            "Give your current password to change it.",
            detail={"current_password": ["Required to change your own password."]},
        )
    if not user.check_password(current_password):
        raise Forbidden("The current password is wrong.", detail={"current_password": ["Wrong password."]})
