"""``flow task run`` with a body over the server's limit prints one clear line, exit 2."""

from __future__ import annotations

import json

import httpx
import pytest

from apps.calls.models import Call
from apps.client import errors
from tests.cli.test_client_http import client_for
from tests.factories import make_socket
from tests.fixtures.api import make_user
from tests.fixtures.cli import FlowRunner, make_token

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_3_mb_task_run_exits_2_with_the_limit_and_no_traceback(live_server, flow_config):
    socket = make_socket(name="big.input")
    runner = make_user("RUN_TASK", "LS_SOCKETS")
    flow = FlowRunner({"FLOW_URL": live_server.url, "FLOW_TOKEN": make_token(runner), "FLOW_CONFIG": str(flow_config)})
    result = flow("task", "run", "-s", socket.name, "--no-wait", input=json.dumps(["x" * (3 * 2**20)]))
    assert result.exit_code == 2, result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith("error: The request body is larger than the limit of 2.5 MiB (2621440 bytes)")
    assert "Traceback" not in result.output and "Internal error" not in result.output
    assert not Call.objects.exists()


def test_a_proxy_413_without_our_body_still_reads_clearly():
    client, _ = client_for(lambda request: httpx.Response(413, text="<html>nginx</html>"))
    with pytest.raises(errors.PayloadTooLarge) as caught:
        client.post("sockets/1/run/", {"args": []})
    assert caught.value.exit_code == 2
    assert caught.value.message.startswith("the request body is too large for the server (413 to POST")
