"""A call's outcome and everything it causes, written together.

An outcome (finished or failed, apps.engine.recording.Ending) is one conditional UPDATE of
the call's row, which wins once however often the call's message is delivered. With it go
the call's events, its metric samples and the calls its plugs deliver (their rows, the
links to the calls that fed them, their "queued" events; apps.engine.routing decides them
from the topology copy before anything is written).

On PostgreSQL, when no plug delivers into a join, all of that is one statement: the UPDATE
in a CTE, and each INSERT a CTE that reads the UPDATE's row, so nothing is written unless
the outcome won. One round trip, committed without waiting for the disk (the task waits
once before its message is acknowledged: apps.engine.sql.writes_durable). A delivery into
a join must lock and read the join's row first, so such outcomes, and every outcome on
other databases, are written as steps in one transaction. Either way the writes happen
together or not at all; the live events and the downstream messages go out after commit.
"""

from __future__ import annotations

from functools import cache

from django.db import transaction

from apps.calls.models import FINAL_STATES, Call, Event, MetricSample
from apps.engine import sql
from apps.engine.dispatch import Downstream, downstream_prepare, downstream_send, input_rows, queued_event_rows
from apps.engine.recording import Ending, Running, ending_events, ending_publish, ending_write, event_rows
from apps.engine.routing import Route, route_write

_FINAL = ", ".join(f"'{state}'" for state in FINAL_STATES)


def call_end(*, call: Running, ending: Ending, route: Route) -> bool:
    """Write ``ending`` and ``route`` (the plugs it fires) together; False when another
    delivery ended the call first (nothing is written then)."""
    ending.events.extend(route.events)
    if sql.one_statement() and not route.joins and not call.then:
        downstream = downstream_prepare(parent=call, deliveries=route.deliveries) if route.deliveries else None
        won = _at_once(call=call, ending=ending, downstream=downstream)
        if won and downstream:
            downstream_send(downstream.queued, events=ending_events(ending))
        elif won:
            ending_publish(ending)
        return won
    with transaction.atomic(savepoint=False):
        won = ending_write(call_id=call.pk, ending=ending)
        if won:
            route_write(call=call, route=route)
    return won


def _at_once(*, call: Running, ending: Ending, downstream: Downstream | None) -> bool:
    assignments, params = ending.assignments()
    params.append(str(call.pk))
    events = event_rows(call_id=call.pk, events=ending.events)
    calls = links = 0
    if downstream:
        events += queued_event_rows(rows=downstream.rows, notes=downstream.notes)
        input_links = input_rows(rows=downstream.rows, inputs=downstream.inputs)
        calls, links = len(downstream.rows), len(input_links)
        params += sql.row_values(Call, downstream.rows, now=downstream.now)
        params += sql.row_values(Call.inputs.through, input_links)
    params += sql.row_values(Event, events, now=ending.finished)
    params += sql.row_values(MetricSample, ending.metrics)
    statement = _statement(assignments, calls=calls, links=links, events=len(events), metrics=len(ending.metrics))
    return sql.fetch_value(statement, params, prepare=True) == 1


@cache
def _statement(assignments: str, *, calls: int, links: int, events: int, metrics: int) -> str:
    """The outcome's statement, by its shape: the UPDATE that must win, then each INSERT."""
    parts = [f"WITH fin AS (UPDATE {sql.table(Call).name} SET {assignments} "
             f"WHERE id = %s AND state NOT IN ({_FINAL}) RETURNING id)"]
    if calls:
        parts.append(f"c AS ({sql.insert_guarded(Call, calls, guard='fin', if_exists=('version_id',))})")
        parts.append(f"l AS ({sql.insert_guarded(Call.inputs.through, links, guard='fin')})")
    parts.append(f"e AS ({sql.insert_guarded(Event, events, guard='fin')})")
    if metrics:
        parts.append(f"m AS ({sql.insert_guarded(MetricSample, metrics, guard='fin')})")
    return ", ".join(parts) + " SELECT count(*) FROM fin"
