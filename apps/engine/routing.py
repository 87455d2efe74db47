"""Where a finished call's value goes: the outgoing plugs of its socket, as deployed now.

RESULT plugs carry the result on success; ERROR plugs carry the error on failure. A
function that set ``plugs['name']`` sends that value to that plug alone. A downstream
call travels on its plug's queue (apps.engine.queues). A plug bound to an argument of its
target delivers into the run's join; the target runs once all of its bound arguments have
arrived, and its call travels on the queue of the plug that completed the join. Runs in
the transaction that records the source call's outcome, so a value is routed exactly once.
The plugs come from this process's topology copy (apps.engine.topology); the downstream
calls of one outcome are recorded together (apps.engine.dispatch.downstream_submit).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.calls.models import Call, Join
from apps.engine import sql
from apps.engine.dispatch import Delivery, Queued, downstream_submit
from apps.engine.recording import Running, event_add, running_of
from apps.engine.topology import PlugSpec, SocketSpec, topology_held
from apps.engine.workflows import gathers_deliver
from apps.processors.models import Plug

_JOIN = sql.table(Join).name
_VALUES = connection.ops.quote_name("values")


@dataclass
class Route:
    """Where an outcome's value goes, decided before anything is written."""

    ok: bool = True
    value: Any = None  # the result, or the error document of a failure
    deliveries: list[Delivery] = field(default_factory=list)  # straight to their targets
    joins: list[tuple[PlugSpec, SocketSpec, Any]] = field(default_factory=list)  # into a join of the run
    events: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # on the call itself


def route_plan(*, call: Running, ok: bool, value: Any, named: dict[str, Any] | None = None) -> Route:
    """The plugs ``call``'s outcome fires (RESULT on success, ERROR on failure, only the
    named ones when the function set ``plugs[name]``), read from the topology copy."""
    route = Route(ok=ok, value=value)
    plugs = call.socket.plugs(ok=ok)
    if named:
        unset = [plug.name for plug in plugs if plug.name not in named]
        if unset:  # a misspelt or forgotten plug is not silent
            route.events.append(("plug_unset", f"Not fired: plug {', '.join(repr(name) for name in unset)} of "
                                 f"{call.name} (the function set only "
                                 f"{', '.join(f'plugs[{name!r}]' for name in sorted(named))}).", {}))
        plugs = tuple(plug for plug in plugs if plug.name in named)
    if plugs and call.hops + 1 > settings.HOP_LIMIT:
        route.events.append(("hop_limit", f"Run stopped: the hop limit of {settings.HOP_LIMIT} was reached at "
                             f"{call.name}.", {}))
        return route
    for plug in plugs:
        target = topology_held().socket(plug.target_id)
        if target is None:
            continue  # removed since this copy was read; a stale copy never delivers to it
        payload = named[plug.name] if named else value
        if plug.argument is None:
            route.deliveries.append(Delivery(plug=plug, target=target, args=[payload], kwargs={}, inputs=[call.pk]))
        else:
            route.joins.append((plug, target, payload))
    return route


def plugs_route(*, call: Running | Call, ok: bool, value: Any, named: dict[str, Any] | None = None) -> list[Queued]:
    """Submit the downstream calls of ``call`` inside the caller's transaction (the one that
    recorded its outcome); returns those submitted (joins may wait)."""
    call = running_of(call)
    route = route_plan(call=call, ok=ok, value=value, named=named)
    for name, note, data in route.events:
        event_add(call_id=call.pk, name=name, note=note, data=data)
    return route_write(call=call, route=route)


def route_write(*, call: Running, route: Route) -> list[Queued]:
    """Deliver into the joins, then record every downstream call, in the caller's transaction;
    and give the outcome to the workflow steps waiting for it (apps.engine.workflows)."""
    deliveries = list(route.deliveries)
    for plug, target, payload in route.joins:
        delivery = join_deliver(plug=plug, target=target, call=call, value=payload)
        if delivery is not None:
            deliveries.append(delivery)
    if call.then:
        gathers_deliver(call=call, then=call.then, ok=route.ok, value=route.value)
    return downstream_submit(parent=call, deliveries=deliveries) if deliveries else []


def join_deliver(*, plug: PlugSpec, target: SocketSpec, call: Running, value: Any) -> Delivery | None:
    """Store one argument for (run, target); the target's call once the set is complete.

    The join row is created if absent (INSERT ... ON CONFLICT DO NOTHING: a concurrent
    delivery that created it first makes this one wait for its commit), then locked and
    read, then updated, or deleted when this value completes it: a join completes once."""
    if plug.argument is None:
        raise ValueError(f"The plug {plug.name} feeds no argument; it submits its target directly.")
    key = sql.prepared(Join, {"tracking": call.tracking, "target_id": target.id})
    now = timezone.now()
    sql.execute(f"INSERT INTO {_JOIN} (tracking, target_id, {_VALUES}, parents, created, expires) "
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (tracking, target_id) DO NOTHING",
                [*key.values(), *sql.prepared(Join, {"values": {}, "parents": [], "created": now,
                                                     "expires": now + timedelta(seconds=plug.join_ttl)}).values()])
    row = sql.fetch_one(f"SELECT id, {_VALUES}, parents FROM {_JOIN} WHERE tracking = %s AND target_id = %s"
                        f"{sql.for_update()}", list(key.values()), model=Join, names=("id", "values", "parents"))
    assert row is not None  # created above, or by a delivery whose commit this one waited for
    values, parents = {**row["values"], plug.argument: value}, [*row["parents"], str(call.pk)]
    missing = sorted(target.bound - set(values))
    if missing:
        sql.execute(f"UPDATE {_JOIN} SET {_VALUES} = %s, parents = %s WHERE id = %s",
                    list(sql.prepared(Join, {"values": values, "parents": parents, "id": row["id"]}).values()))
        event_add(call_id=call.pk, name="join_wait", note=_waiting_note(target=target, missing=missing, run=call))
        return None
    sql.execute(f"DELETE FROM {_JOIN} WHERE id = %s", [row["id"]])
    kwargs = {name: values[name] for name in sorted(target.bound)}
    return Delivery(plug=plug, target=target, args=[], kwargs=kwargs, inputs=parents)


def _waiting_note(*, target: SocketSpec, missing: list[str], run: Running) -> str:
    return (f"{target.name} waits for {', '.join(missing)}; a call that delivers "
            f"{'them' if len(missing) > 1 else 'it'} in run {run.tracking} completes it (flow task run --run).")


def bound_arguments(*, target) -> set[str]:
    return set(
        Plug.objects.filter(target=target, argument__isnull=False, enabled=True)
        .values_list("argument__name", flat=True)
    )


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
