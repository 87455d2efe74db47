"""Where a processor may run and how much of it a socket may occupy: a pinned host must be
a node (``localhost`` is this machine's), a socket's concurrency at most its processor's.
Both raise BadRequest on the field at fault, so the API and the CLI say why."""

from __future__ import annotations

import socket as net

from django.db.models import Max

from apps.core.errors import BadRequest
from apps.network.selectors import local_node_hostname, node_hostnames
from apps.processors.models import Processor

LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")


def hostname_resolve(*, hostname: str) -> str:
    """The node a processor pinned to ``hostname`` runs on. ``localhost`` means this
    machine's node when a live agent runs here (the pin becomes that node's name). A host
    with a node row is accepted even when no live agent serves it (the processor's
    ``warnings`` say so); a host no node has is refused (BadRequest, field ``hostname``)
    with the names of the nodes that exist: nothing would ever run there."""
    hostname = hostname.strip()
    if not hostname:
        return ""
    if hostname in LOCAL_NAMES:
        local = local_node_hostname(machine=net.gethostname())
        if local:
            return local
    known = node_hostnames()
    if hostname in known:
        return hostname
    nodes = ", ".join(known) if known else "none yet (start an agent with `flow agent start`)"
    local_note = (f" No live agent runs on this machine ({net.gethostname()}) either."
                  if hostname in LOCAL_NAMES else "")
    message = (f"No node has the hostname '{hostname}', so no agent would ever run this processor."
               f"{local_note} Nodes: {nodes}. Leave the hostname empty to place it on any healthy node.")
    raise BadRequest("No agent serves that host.", detail={"hostname": [message]})


def socket_concurrency_check(*, processor: Processor, concurrency: int | None) -> None:
    """Raise BadRequest (field ``concurrency``) when a socket would occupy more cpus than its
    processor has: the processor's worker processes run its sockets' calls, so a socket can
    never get more than the processor's largest concurrency (its maximum bound)."""
    if concurrency is None:
        return
    most = max(processor.concurrency_bounds[1], processor.concurrency)
    if concurrency > most:
        message = (f"A socket of processor '{processor.name}' can occupy at most {most} cpus (the processor's "
                   f"concurrency), not {concurrency}: its calls run on the processor's worker processes. "
                   f"Raise the processor's concurrency first (flow update processor -n {processor.name} -c "
                   f"{concurrency}) or give the socket {most} or fewer.")
        raise BadRequest("The socket's concurrency is above its processor's.", detail={"concurrency": [message]})


def processor_sockets_fit_check(*, processor: Processor) -> None:
    """Raise BadRequest (field ``concurrency``) when a new concurrency leaves a socket of the
    processor occupying more cpus than the processor now has."""
    widest = processor.sockets.aggregate(widest=Max("concurrency"))["widest"]
    most = max(processor.concurrency_bounds[1], processor.concurrency)
    if widest is not None and widest > most:
        message = (f"A socket of processor '{processor.name}' occupies {widest} cpus; the processor cannot have "
                   f"fewer than that ({most} asked). Lower the socket's concurrency first.")
        raise BadRequest("The processor's concurrency is below a socket's.", detail={"concurrency": [message]})
