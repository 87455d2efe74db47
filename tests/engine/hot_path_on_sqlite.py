"""Run by tests/engine/test_hot_path_sqlite.py in a process of its own, on a fresh SQLite file
(the embedded default): a call's start, its outcome routed to a plain plug and into a join,
written as the steps every database but PostgreSQL takes. Prints what it found as JSON."""

from __future__ import annotations

import json
import os
import sys


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "flowsite.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from apps.calls.models import Call, Join
    from apps.engine.ending import call_end
    from apps.engine.recording import WorkerIdentity, call_start, success
    from apps.engine.routing import route_plan
    from apps.processors.models import Argument
    from tests.factories import make_call, make_plug, make_processor, make_socket, make_task

    processor = make_processor()
    source, echo = make_socket(processor), make_socket(processor)
    target = make_socket(processor, task=make_task(processor, name="add_two"))
    other = make_socket(processor)
    make_plug(source, echo)
    make_plug(source, target, argument=Argument.objects.create(name="one", task=target.task))
    make_plug(other, target, argument=Argument.objects.create(name="two", task=target.task))

    def finish(call, value) -> bool:
        running = call_start(call_id=str(call.pk), who=WorkerIdentity(hostname="sqlite"))
        assert running is not None, "the call did not start"
        ending = success(call=running, result=value, log="", commit="c", duration_ms=0.1, metrics=[])
        return call_end(call=running, ending=ending, route=route_plan(call=running, ok=True, value=value))

    first = make_call(source)
    assert finish(first, 1)
    waiting = Join.objects.count()
    assert finish(make_call(other, tracking=first.tracking), 2)
    joined = Call.objects.get(socket=target)
    print(json.dumps({
        "vendor": django.db.connection.vendor,
        "first": Call.objects.get(pk=first.pk).state,
        "events": list(first.events.order_by("created").values_list("name", flat=True)),
        "echo": list(Call.objects.filter(socket=echo).values_list("arguments", "state", "hops")),
        "waiting_joins": waiting, "joins_left": Join.objects.count(), "joined": joined.arguments,
        "again": call_start(call_id=str(first.pk), who=WorkerIdentity(hostname="sqlite")) is None,
    }))


if __name__ == "__main__":
    sys.exit(main())
