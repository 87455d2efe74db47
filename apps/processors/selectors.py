"""Reads about processors and their wiring."""

from __future__ import annotations

from django.conf import settings

from apps.processors.models import RuleKind, TrustedRepository
from apps.processors.repositories import RuleSet


def trust_rules() -> RuleSet:
    rows = TrustedRepository.objects.filter(enabled=True).values_list("kind", "pattern")
    return RuleSet(
        allow=tuple(p for kind, p in rows if kind == RuleKind.ALLOW),
        deny=tuple(p for kind, p in rows if kind == RuleKind.DENY),
        allow_file=settings.ALLOW_FILE_REPOSITORIES,
    )



def processor_page(*, processor) -> dict:
    """The processor's functions (with arguments) and sockets (with next firings)."""
    from apps.processors.schedules import socket_next_firings

    tasks = processor.tasks.prefetch_related("arguments").order_by("name")
    sockets = list(processor.sockets.select_related("task", "queue").order_by("name"))
    for socket in sockets:
        socket.next_firings = socket_next_firings(socket=socket)
    return {"processor": processor, "tasks": tasks, "sockets": sockets}
