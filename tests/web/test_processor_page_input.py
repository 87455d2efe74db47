"""The processor page: a socket's run form starts from a value of each argument's type (read
by the same checker as the designer's Run form and the typed wires), and a scheduled socket
lists its last runs with their outcome."""

import html
from datetime import UTC, datetime

import pytest

from apps.engine.models import ScheduleRun
from apps.processors.models import Argument, ArgumentKind, Socket
from tests.factories import make_call, make_processor, make_socket, make_task

pytestmark = pytest.mark.django_db


def test_a_sockets_run_form_starts_from_its_functions_types(alice_client):
    processor = make_processor(name="typed")
    task = make_task(processor, name="greet")
    for position, (name, annotation, kind) in enumerate([
            ("name", "str", ArgumentKind.POSITIONAL_OR_KEYWORD), ("times", "int | None", ArgumentKind.POSITIONAL_ONLY),
            ("tags", "typing.List[str]", ArgumentKind.POSITIONAL_OR_KEYWORD), ("anything", "", "positional_or_keyword"),
            ("rest", "int", ArgumentKind.VAR_POSITIONAL), ("loud", "bool", ArgumentKind.KEYWORD_ONLY)]):
        Argument.objects.create(task=task, name=name, annotation=annotation, kind=kind, position=position)
    socket = make_socket(processor, task=task, name="typed.greet")
    page = alice_client.get(f"/processors/{processor.pk}/").content.decode()
    expected = html.escape('["", 0, [], null]')
    assert f'id="args-{socket.pk}" name="args" value="{expected}"' in page


def test_a_scheduled_sockets_last_runs_are_listed_with_their_outcome(alice_client):
    socket = make_socket(make_processor(name="clocked"), name="clocked.tick")
    Socket.objects.filter(pk=socket.pk).update(schedule_type="INTERVAL", interval=60, scheduled=True)
    call = make_call(socket, state="finished")
    ScheduleRun.objects.create(socket=socket, slot=datetime(2026, 12, 7, 12, 5, tzinfo=UTC), decision="caught_up",
                               missed=4, call=call, note="Ran once for 4 missed runs")
    page = alice_client.get(f"/processors/{socket.processor.pk}/").content.decode()
    assert 'aria-label="Last scheduled runs of clocked.tick"' in page
    assert "2026-12-07 12:05:00" in page and "Ran for missed runs (4)" in page
    assert '<span class="state state-finished">finished</span>' in page
