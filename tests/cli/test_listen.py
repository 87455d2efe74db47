"""``flow listen`` speaks the subscribe protocol; a refusal is one clear error line.

The server side is a small websockets server in a thread: it checks what the client
sends and answers as ``apps/live`` does (hello, then events, or a refusal).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from click.testing import CliRunner
from websockets.sync.server import ServerConnection, serve

from apps.cli.main import cli
from apps.client.live import listen_topic, websocket_url


@contextmanager
def ws_server(handler: Callable[[ServerConnection], None]) -> Iterator[str]:
    with serve(handler, "127.0.0.1", 0) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        host, port = server.socket.getsockname()[:2]
        try:
            yield f"http://{host}:{port}"
        finally:
            server.shutdown()
            thread.join(5)


def listen(url: str, *extra: str, tmp_path):
    return CliRunner().invoke(
        cli, ["listen", "--name", "pyfi.queue1.proc1", "--channel", "task", *extra],
        env={"FLOW_URL": url, "FLOW_TOKEN": "ec_token", "FLOW_CONFIG": str(tmp_path / "flow.ini")},
    )


def test_a_full_topic_is_sent_as_given():
    assert listen_topic("run:1234", "task") == "run:1234"
    assert listen_topic("calls:all", "task") == "calls:all"
    assert listen_topic("proc1", "log") == "proc1.log"


def test_the_websocket_url_carries_the_token():
    assert websocket_url("https://flow.example.com/", "ec_a/b") == "wss://flow.example.com/ws/?token=ec_a%2Fb"
    assert websocket_url("http://127.0.0.1:8000", None) == "ws://127.0.0.1:8000/ws/"


def test_it_subscribes_and_prints_each_event_as_a_json_line(tmp_path):
    received = []

    def handler(connection: ServerConnection) -> None:
        received.append((connection.request.path, json.loads(connection.recv())))
        connection.send(json.dumps({"type": "hello", "user": "alice"}))
        connection.send(json.dumps({"type": "subscribed", "topic": "processor:pyfi.queue1.proc1", "channel": "task"}))
        connection.send(json.dumps({"type": "events", "frame": 1, "events": [
            {"kind": "call", "state": "received"},
            {"kind": "call", "state": "postrun", "result": "TEXT:hi"},
        ], "gaps": [{"topic": "processor:pyfi.queue1.proc1", "missed": 3, "reason": "slow"}]}))
        connection.close()

    with ws_server(handler) as url:
        result = listen(url, tmp_path=tmp_path)
    assert received == [
        ("/ws/?token=ec_token", {"type": "subscribe", "topic": "pyfi.queue1.proc1.task", "channel": "task"})
    ]
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"kind": "call", "state": "received"},
        {"kind": "call", "state": "postrun", "result": "TEXT:hi"},
    ]
    assert "warning: 3 events of processor:pyfi.queue1.proc1 were not delivered (slow)" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("error: the server closed the websocket")
    assert result.exit_code == 7


def test_a_refused_subscription_is_one_error_line(tmp_path):
    def handler(connection: ServerConnection) -> None:
        connection.recv()
        connection.send(json.dumps({"type": "error", "message": "Unknown message type."}))
        connection.recv()

    with ws_server(handler) as url:
        result = listen(url, tmp_path=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "error: the server refused the subscription: Unknown message type."
    assert "Traceback" not in result.output


def test_an_unauthenticated_close_says_to_log_in(tmp_path):
    def handler(connection: ServerConnection) -> None:
        connection.close(code=4401)

    with ws_server(handler) as url:
        result = listen(url, tmp_path=tmp_path)
    assert result.exit_code == 3
    assert result.stderr.splitlines()[-1] == (
        "error: the server closed the websocket (code 4401): not authenticated (log in with `flow login`)"
    )


def test_no_server_is_exit_8(tmp_path):
    result = listen("http://127.0.0.1:9", tmp_path=tmp_path)
    assert result.exit_code == 8
    assert result.stderr.splitlines()[-1].startswith("error: cannot reach the ElasticCode websocket at ws://127.0.0.1:9/ws/")
