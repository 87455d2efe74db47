"""Where a call travels again (a retry): the queue it was sent on, while its processor's
workers still consume it; else its socket's own queue."""

import pytest

from apps.engine.queues import call_destination, plug_destination, socket_destination
from apps.processors.models import Plug
from tests.factories import make_processor, make_queue, make_socket

pytestmark = pytest.mark.django_db


@pytest.fixture
def wired():
    processor = make_processor()
    source, target = make_socket(processor), make_socket(processor)
    plug = Plug.objects.create(name="wire", processor=processor, source=source, target=target,
                               queue=make_queue(name="wire-q", max_length=3))
    return target, plug


def test_a_call_a_plug_delivered_retries_on_the_plugs_queue(wired):
    target, plug = wired
    found = call_destination(socket=target, queue=plug_destination(plug=plug).name)
    assert (found.name, found.row, found.limit) == (plug_destination(plug=plug).name, plug.queue, 3)


def test_a_call_whose_queue_is_gone_retries_on_its_sockets_own_queue(wired):
    target, plug = wired
    name = plug_destination(plug=plug).name
    plug.delete()
    assert call_destination(socket=target, queue=name) == socket_destination(socket=target)
    assert call_destination(socket=target, queue="") == socket_destination(socket=target)
