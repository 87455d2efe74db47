"""The web process (daphne) SIGKILLed under a submitting client: every call it answered 2xx
runs exactly once, and the call its cut request left queued without a message (committed,
then killed before its publish reached the broker) is sent again by the queue monitor's
sweeper and runs once too. End to end: daphne, a worker and the queue monitor are real
processes; the broker's network freezes at the moment of the last publish."""

from __future__ import annotations

import threading

import httpx
import pytest

from apps.calls.models import Call, CallState
from apps.core.stack import free_port, port_answers
from apps.processors.models import Socket
from tests.fixtures.cli import make_token
from tests.fixtures.engine import call_wait, wait_for

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

ADD_TWO = "pyfi.processors.sample.add_two"
ANSWERED = 5  # calls answered 202 before the broker's network freezes


class Submitter(threading.Thread):
    """A client submitting calls one after another; the ids answered 2xx, and whether its last
    request was cut (no answer)."""

    def __init__(self, url: str, token: str, socket_id: str) -> None:
        super().__init__(daemon=True)
        self.url = f"{url}/api/sockets/{socket_id}/run/"
        self.headers = {"Authorization": f"Bearer {token}"}
        self.answered: list[str] = []
        self.cut = False
        self.go_on = threading.Event()
        self.go_on.set()

    def run(self) -> None:
        with httpx.Client(timeout=120) as client:
            while self.go_on.is_set():
                try:
                    response = client.post(self.url, json={"args": [len(self.answered), 1]}, headers=self.headers)
                except httpx.TransportError:
                    self.cut = True
                    return
                assert response.status_code == 202, response.text
                self.answered.append(response.json()["id"])


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_a_killed_web_process_loses_no_call(proc1, alice, start_process, start_worker, broker_url,
                                            freezing_proxy):
    proxy = freezing_proxy(broker_url)
    port = free_port()
    web = start_process(["-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "flowsite.asgi:application"],
                        BROKER_URL=proxy.url_for(broker_url))
    wait_for(lambda: port_answers("127.0.0.1", port, timeout=0.2), timeout=90, what="daphne", processes=[web])
    socket = Socket.objects.get(name=ADD_TWO)
    client = Submitter(f"http://127.0.0.1:{port}", make_token(alice), str(socket.pk))
    client.start()
    wait_for(lambda: len(client.answered) >= ANSWERED, timeout=60, what="calls answered", processes=[web])

    proxy.freeze()  # the next publish hangs: its call is committed, its message held
    client.go_on.clear()
    unsent = wait_for(lambda: Call.objects.filter(socket=socket, state=CallState.QUEUED).exclude(
        pk__in=client.answered).first() if proxy.held else None, timeout=30, what="a call committed, its publish held")
    web.kill()
    proxy.cut()  # what it sent never reaches the broker
    client.join(timeout=30)
    assert client.cut, "the request in flight was cut, not answered"
    assert Call.objects.get(pk=unsent.pk).state == CallState.QUEUED, "left queued, with no message"

    worker = start_worker("proc1", concurrency=2)
    start_process(["manage.py", "queue_monitor", "--interval", "0.5"], SWEEP_SECONDS="1", SWEEP_GRACE_SECONDS="1")
    calls = list(Call.objects.filter(socket=socket))
    assert {str(c.pk) for c in calls} == {*client.answered, str(unsent.pk)}, "every 2xx call, and the cut one"
    for call in calls:
        done = call_wait(call, timeout=90, worker=worker)
        names = list(done.events.values_list("name", flat=True))
        assert (done.state, done.attempts, names.count("postrun")) == (CallState.FINISHED, 1, 1), (done.state, names)
    # The sweeper cannot tell which queued call lost its message: it sends the oldest again
    # (a 2xx call among them drops its first message), until none is missing.
    assert Call.objects.get(pk=unsent.pk).events.filter(name="resent").exists(), "the sweeper sent it again"
