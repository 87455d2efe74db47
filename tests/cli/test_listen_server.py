"""flow listen against the real websocket consumer, served by daphne (started with
``flow web start`` in a child process on the test database)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from apps.core.stack import free_port, port_answers
from tests.factories import make_processor
from tests.fixtures import engine as engine_fixtures
from tests.fixtures.cli import FlowRunner, make_token

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def daphne(tmp_path, settings):
    """``flow web start`` on a free port; stopped (its process group) after the test."""
    port = free_port()
    redis_url = os.environ.get("LIVE_TEST_REDIS_URL") or (
        os.environ.get("LIVE_TEST_REDIS_BASE", "redis://127.0.0.1:6379") + "/12")
    env = dict(os.environ, DATABASE_URL=engine_fixtures.test_database_url(), SECRET_KEY=settings.SECRET_KEY,
               REDIS_URL=redis_url,
               DJANGO_SETTINGS_MODULE="flowsite.settings")
    log = tmp_path / "daphne.log"
    with open(log, "wb") as output:
        child = subprocess.Popen([sys.executable, "-m", "apps.cli", "web", "start", "-p", str(port)], cwd=ROOT,
                                 env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not port_answers("127.0.0.1", port, timeout=0.2):
            if child.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"daphne did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(child.pid, signal.SIGTERM)
        child.wait(timeout=10)


def listen(url: str, token: str, name: str, tmp_path) -> object:
    runner = FlowRunner({"FLOW_URL": url, "FLOW_TOKEN": token, "FLOW_CONFIG": str(tmp_path / "flow.ini")})
    return runner("listen", "--name", name, "--channel", "task")


def test_a_bad_token_is_refused_in_one_line(daphne, tmp_path):
    result = listen(daphne, "ec_not-a-token", "proc1", tmp_path)
    assert result.exit_code == 3
    assert result.stderr.splitlines()[-1].startswith("error: the server ")
    assert "Traceback" not in result.output


def test_an_unknown_name_is_refused_with_the_servers_reason(daphne, alice, tmp_path):
    result = listen(daphne, make_token(alice), "ghost", tmp_path)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "error: the server refused the subscription: No processor, socket or queue named 'ghost' that you may read."
    )


def test_a_processor_subscription_is_confirmed_and_ctrl_c_stops_it(daphne, alice, tmp_path):
    make_processor(name="proc1")
    env = dict(os.environ, FLOW_URL=daphne, FLOW_TOKEN=make_token(alice), FLOW_CONFIG=str(tmp_path / "f.ini"))
    child = subprocess.Popen([sys.executable, "-m", "apps.cli", "listen", "-n", "proc1", "-c", "task"], cwd=ROOT,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = []
    try:
        for line in child.stderr:
            seen.append(line.rstrip("\n"))
            if line.startswith(("Subscribed", "error:")):
                break
    finally:
        child.send_signal(signal.SIGINT)
        rest = child.communicate(timeout=10)[1]
    assert seen == ["Listening to proc1 (task); Ctrl-C to stop", "Subscribed to processor:proc1 (task)"]
    assert child.returncode == 0 and "Traceback" not in rest
