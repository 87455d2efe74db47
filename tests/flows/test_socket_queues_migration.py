"""The data migration that gives each flow's socket a queue of its own (issue 17)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from apps.calls.models import Call
from apps.engine.queues import plug_destination, socket_queue_name
from apps.flows.models import Flow
from apps.network.models import Queue
from apps.processors.models import Plug, Socket
from tests.factories import make_call, make_plug, make_socket

pytestmark = pytest.mark.django_db

migration = importlib.import_module("apps.flows.migrations.0004_socket_queues")


def test_a_flows_sockets_move_to_queues_of_their_own_with_their_settings_plugs_and_waiting_calls(processor):
    flow = Flow.objects.create(name="F")
    key = str(flow.pk)[:8]
    # As deploys left them: the queue named after the socket, adopted though made by hand and
    # shared with a socket made outside any flow.
    shared = Queue.objects.create(name="F.echo", max_length=7, message_ttl=60000)
    echo = make_socket(processor, name="F.echo", queue=shared, flow_key=str(flow.pk))
    say = make_socket(processor, name="F.say", queue=Queue.objects.create(name="F.say"), flow_key=str(flow.pk))
    by_hand = make_socket(processor, name="mine", queue=shared)
    riding = make_plug(say, echo, name="F:e1", queue=shared, flow_key=str(flow.pk))
    waiting = make_call(echo, state="queued", queue="F.echo.proc1")
    done = make_call(echo, state="finished", queue="F.echo.proc1")

    migration.sockets_own_queues(apps, None)

    echo.refresh_from_db()
    assert (echo.queue.name, echo.queue.flow_key) == (f"F.echo@{key}", str(flow.pk))
    assert (echo.queue.max_length, echo.queue.message_ttl) == (7, 60000)
    assert socket_queue_name(socket=echo) != socket_queue_name(socket=Socket.objects.get(pk=by_hand.pk))
    assert plug_destination(plug=Plug.objects.get(pk=riding.pk)).name == f"F.echo@{key}.proc1"
    assert Call.objects.get(pk=waiting.pk).queue == f"F.echo@{key}.proc1", "the sweeper re-sends it there"
    assert Call.objects.get(pk=done.pk).queue == "F.echo.proc1"
    assert Queue.objects.filter(name="F.echo").exists(), "still the hand-made socket's"
    assert not Queue.objects.filter(name="F.say").exists(), "used by nothing any more"
    assert Socket.objects.get(pk=say.pk).queue.name == f"F.say@{key}"


def test_sockets_made_outside_any_flow_keep_their_queues_and_a_second_run_changes_nothing(processor):
    flow = Flow.objects.create(name="F")
    cli = make_socket(processor, name="cli", queue=Queue.objects.create(name="pyfi.queue1"))
    make_socket(processor, name="F.echo", queue=Queue.objects.create(name="F.echo"), flow_key=str(flow.pk))
    migration.sockets_own_queues(apps, None)
    before = sorted(Queue.objects.values_list("name", flat=True))
    migration.sockets_own_queues(apps, None)
    assert sorted(Queue.objects.values_list("name", flat=True)) == before
    assert Socket.objects.get(pk=cli.pk).queue.name == "pyfi.queue1"
