"""Where a finished call's value goes: the outgoing plugs of its socket, as deployed now.

RESULT plugs carry the result on success; ERROR plugs carry the error on failure. A
function that set ``plugs['name']`` sends that value to that plug alone. A downstream
call travels on its plug's queue (apps.engine.queues). A plug bound to an argument of its
target delivers into the run's join; the target runs once all of its bound arguments have
arrived, and its call travels on the queue of the plug that completed the join. Runs in
the transaction that records the source call's outcome, so a value is routed exactly once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.calls.models import Call, Join
from apps.engine.dispatch import call_submit
from apps.engine.recording import event_add
from apps.processors.models import Plug, PlugType, Socket


def plugs_route(*, call: Call, ok: bool, value: Any, named: dict[str, Any] | None = None) -> list[Call]:
    """Submit the downstream calls of ``call``; returns those submitted (joins may wait)."""
    plug_type = PlugType.RESULT if ok else PlugType.ERROR
    # One query per routed call, with what submitting downstream needs (the plug's queue,
    # the target's queue and processor); a join's argument is read when it has one. Sorted
    # by name here rather than in SQL: the same order, half the cost of building the query.
    plugs = sorted(Plug.objects.filter(source_id=call.socket_id, type=plug_type, enabled=True)
                   .select_related("queue", "target__queue", "target__processor").order_by(),
                   key=lambda plug: plug.name)
    if named:
        plugs = _named_plugs(call=call, plugs=plugs, named=named)
    if not plugs:
        return []
    if call.hops + 1 > settings.HOP_LIMIT:
        event_add(call_id=call.pk, name="hop_limit",
                  note=f"Run stopped: the hop limit of {settings.HOP_LIMIT} was reached at {call.name}.")
        return []
    submitted = []
    for plug in plugs:
        payload = named[plug.name] if named else value
        downstream = _deliver(plug=plug, call=call, value=payload)
        if downstream is not None:
            submitted.append(downstream)
    return submitted


def _named_plugs(*, call: Call, plugs: list[Plug], named: dict[str, Any]) -> list[Plug]:
    """The plugs the function named; an event on the call names the plugs of the socket it
    left unset (never fired) and the names it set, so a misspelt plug is not silent."""
    unset = [plug.name for plug in plugs if plug.name not in named]
    if unset:
        event_add(call_id=call.pk, name="plug_unset",
                  note=f"Not fired: plug {', '.join(repr(name) for name in unset)} of {call.name} "
                       f"(the function set only {', '.join(f'plugs[{name!r}]' for name in sorted(named))}).")
    return [plug for plug in plugs if plug.name in named]


def _deliver(*, plug: Plug, call: Call, value: Any) -> Call | None:
    if plug.argument_id is None:
        return call_submit(socket=plug.target, args=[value], kwargs={}, parent=call, hops=call.hops + 1,
                           plug=plug)
    return join_deliver(plug=plug, call=call, value=value)


def bound_arguments(*, target: Socket) -> set[str]:
    return set(
        Plug.objects.filter(target=target, argument__isnull=False, enabled=True)
        .values_list("argument__name", flat=True)
    )


def join_deliver(*, plug: Plug, call: Call, value: Any) -> Call | None:
    """Store one argument for (run, target); submit the target when the set is complete."""
    target = plug.target
    needed = bound_arguments(target=target)
    if plug.argument is None:
        raise ValueError(f"The plug {plug.name} feeds no argument; _deliver submits its target directly.")
    join = _join_locked(tracking=call.tracking, target=target, ttl=_join_ttl(plug))
    join.values[plug.argument.name] = value
    join.parents.append(str(call.pk))
    if not needed <= set(join.values):
        join.save(update_fields=["values", "parents"])
        event_add(call_id=call.pk, name="join_wait",
                  note=f"{target.name} waits for {', '.join(sorted(needed - set(join.values)))}")
        return None
    kwargs = {name: join.values[name] for name in sorted(needed)}
    join.delete()
    return call_submit(socket=target, args=[], kwargs=kwargs, parent=call, hops=call.hops + 1,
                       inputs=join.parents, plug=plug)


def _join_ttl(plug: Plug) -> int:
    ttl_ms = plug.queue.message_ttl if plug.queue_id else -1
    return ttl_ms // 1000 if ttl_ms > 0 else settings.JOIN_TTL


def _join_locked(*, tracking, target: Socket, ttl: int) -> Join:
    """The join row for (run, target), locked for this transaction; created when absent.

    INSERT ... ON CONFLICT DO NOTHING: a concurrent delivery that created it first makes
    this one wait for its commit, then both lock the same row in turn."""
    expires = timezone.now() + timedelta(seconds=ttl)
    Join.objects.bulk_create([Join(tracking=tracking, target=target, expires=expires)], ignore_conflicts=True)
    return Join.objects.select_for_update().get(tracking=tracking, target=target)


def joins_expire(*, now=None) -> int:
    """Delete joins past their deadline, recording why on every call that fed them."""
    now = now or timezone.now()
    expired = 0
    for join in Join.objects.filter(expires__lte=now).select_related("target"):
        with transaction.atomic():
            missing = bound_arguments(target=join.target) - set(join.values)
            note = f"Join for {join.target.name} expired waiting for {', '.join(sorted(missing)) or 'nothing'}"
            for parent in join.parents:
                event_add(call_id=parent, name="join_expired", note=note)
            join.delete()
            expired += 1
    return expired
