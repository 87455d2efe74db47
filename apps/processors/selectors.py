"""Reads about processors and their wiring."""

from __future__ import annotations

import json

from django.conf import settings

from apps.processors.models import ArgumentKind, RuleKind, Socket, TrustedRepository
from apps.processors.repositories import RuleSet
from apps.processors.wire_types import placeholder

_POSITIONAL = (ArgumentKind.POSITIONAL_ONLY, ArgumentKind.POSITIONAL_OR_KEYWORD)


def trust_rules() -> RuleSet:
    rows = TrustedRepository.objects.filter(enabled=True).values_list("kind", "pattern")
    return RuleSet(
        allow=tuple(p for kind, p in rows if kind == RuleKind.ALLOW),
        deny=tuple(p for kind, p in rows if kind == RuleKind.DENY),
        allow_file=settings.ALLOW_FILE_REPOSITORIES,
    )


def socket_default_input(socket: Socket) -> str:
    """The JSON list a run form starts from: a value of each positional argument's type (the
    typed-wire checker's reading, as the designer's Run form, frontend/src/panels/runInput.ts)."""
    arguments = sorted(socket.task.arguments.all(), key=lambda argument: argument.position)
    return json.dumps([placeholder(a.annotation) for a in arguments if a.kind in _POSITIONAL])


def processor_page(*, processor) -> dict:
    """The processor's functions (with arguments) and sockets (with next firings and the input
    their run form starts from)."""
    from apps.processors.schedules import socket_next_firings

    tasks = processor.tasks.prefetch_related("arguments").order_by("name")
    sockets = list(processor.sockets.select_related("task", "queue").prefetch_related("task__arguments")
                   .order_by("name"))
    for socket in sockets:
        socket.next_firings = socket_next_firings(socket=socket)
        socket.default_input = socket_default_input(socket)
    return {"processor": processor, "tasks": tasks, "sockets": sockets}
