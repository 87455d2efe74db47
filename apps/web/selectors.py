"""Reads for the shell pages."""

from __future__ import annotations

from apps.accounts.models import User
from apps.calls.models import Call
from apps.flows.models import Flow
from apps.network.models import Node
from apps.processors.models import Processor


def flow_list():
    return Flow.objects.select_related("deployed_version").order_by("name")[:200]


def node_list():
    return Node.objects.select_related("agent").order_by("hostname")[:200]


def recent_calls():
    return Call.objects.select_related("socket").order_by("-created")[:50]


def user_list():
    return User.objects.prefetch_related("roles").order_by("username")[:500]


def user_page(*, user: User, actor) -> dict:
    """What the admin's user page shows: roles, effective rights, and every right with where
    the user has it from (the bulk rights list)."""
    from apps.accounts.models import Role
    from apps.accounts.selectors import user_rights_explained

    explained = user_rights_explained(user=user)
    roles = list(user.roles.order_by("name").values_list("name", flat=True))
    return {
        "target": user,
        "roles": roles,
        "explained": explained,
        "other_roles": list(Role.objects.exclude(name__in=roles).order_by("name").values_list("name", flat=True)),
        "picker": user_rights_picker(actor=actor, explained=explained),
        "operations": _allowed(actor, USER_OPERATIONS),
    }


def role_list():
    from apps.accounts.models import Role

    return Role.objects.prefetch_related("privileges", "users").order_by("name")[:500]


def role_page(*, role, actor) -> dict:
    granted = list(role.privileges.order_by("right").values_list("right", flat=True))
    return {
        "role": role,
        "granted": granted,
        "members": list(role.users.order_by("username").values_list("username", flat=True)),
        "picker": role_rights_picker(actor=actor, granted=granted),
        "operations": _allowed(actor, ROLE_OPERATIONS),
    }


def processor_list():
    return Processor.objects.select_related("owner").order_by("name")[:500]


def repository_list():
    from apps.processors.models import TrustedRepository

    return TrustedRepository.objects.order_by("kind", "name")[:500]


def rights_picker(*, actor, sources: dict[str, list[str]], effective: frozenset[str] | set[str]) -> list[dict]:
    """The admin pages' rights list: every right grouped by object, each with its description,
    where the holder has it from (``sources``: right -> "direct", "role:<name>", "revoked"),
    whether it is effective, and whether ``actor`` may act on it (holds it: apps.accounts
    guards refuse the others whatever the page shows)."""
    from apps.accounts.right_catalog import right_catalog
    from apps.accounts.services.guards import rights_missing

    lacking = set(rights_missing(by=actor, rights=[r.right for g in right_catalog() for r in g.rights]))
    return [
        {"key": group.key, "label": group.label, "rights": [
            {"right": info.right, "description": info.description, "effective": info.right in effective,
             "sources": [_source(source) for source in sources.get(info.right, [])],
             "holdable": info.right not in lacking}
            for info in group.rights]}
        for group in right_catalog()
    ]


def _source(source: str) -> dict[str, str]:
    kind, _, role = source.partition(":")
    return {"kind": kind, "label": f"role {role}" if role else source}


# The bulk operations of the rights list: (page action, button label, style), by the right each needs.
USER_OPERATIONS = [("grant", "Grant selected", "primary"), ("remove", "Remove selected", ""),
                   ("revoke", "Revoke selected", "danger"), ("unrevoke", "Lift revocation of selected", "")]
ROLE_OPERATIONS = USER_OPERATIONS[:2]


def _allowed(actor, operations: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    from apps.accounts.selectors import user_has_right
    from apps.accounts.services.rights_bulk import OPERATION_RIGHTS

    return [operation for operation in operations if user_has_right(actor, OPERATION_RIGHTS[operation[0]])]


def user_rights_picker(*, actor, explained: list[dict]) -> list[dict]:
    sources = {row["right"]: row["sources"] for row in explained}
    return rights_picker(actor=actor, sources=sources, effective={r["right"] for r in explained if r["effective"]})


def role_rights_picker(*, actor, granted: list[str]) -> list[dict]:
    return rights_picker(actor=actor, sources={right: ["granted"] for right in granted}, effective=set(granted))
