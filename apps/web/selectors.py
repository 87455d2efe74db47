"""Reads for the shell pages."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apps.accounts.models import User
from apps.calls.models import Call, CallState
from apps.flows.models import Flow
from apps.network.models import Node
from apps.processors.models import Processor


def header_counts() -> dict[str, int]:
    minute_ago = timezone.now() - timedelta(minutes=1)
    return {
        "nodes_up": Node.objects.filter(status="up").count(),
        "processors_running": Processor.objects.filter(status="running").count(),
        "calls_running": Call.objects.filter(state=CallState.RUNNING).count(),
        "failures_last_minute": Call.objects.filter(
            state=CallState.FAILED, finished__gte=minute_ago
        ).count(),
    }


def flow_list():
    return Flow.objects.select_related("deployed_version").order_by("name")[:200]


def node_list():
    return Node.objects.select_related("agent").order_by("hostname")[:200]


def recent_calls():
    return Call.objects.select_related("socket").order_by("-created")[:50]


def user_list():
    return User.objects.prefetch_related("roles").order_by("username")[:500]


def user_page(*, user: User) -> dict:
    """What the admin's user page shows: roles, direct and revoked privileges, effective rights."""
    from apps.accounts.models import Role
    from apps.accounts.selectors import user_rights_explained

    return {
        "target": user,
        "roles": list(user.roles.order_by("name").values_list("name", flat=True)),
        "direct": list(user.privileges.order_by("right").values_list("right", flat=True)),
        "revoked": list(user.revoked.order_by("right").values_list("right", flat=True)),
        "explained": user_rights_explained(user=user),
        "all_roles": list(Role.objects.order_by("name").values_list("name", flat=True)),
    }


def role_list():
    from apps.accounts.models import Role

    return Role.objects.prefetch_related("privileges", "users").order_by("name")[:500]


def role_page(*, role) -> dict:
    return {
        "role": role,
        "granted": list(role.privileges.order_by("right").values_list("right", flat=True)),
        "members": list(role.users.order_by("username").values_list("username", flat=True)),
    }


def processor_list():
    return Processor.objects.select_related("owner").order_by("name")[:500]


def repository_list():
    from apps.processors.models import TrustedRepository

    return TrustedRepository.objects.order_by("kind", "name")[:500]
