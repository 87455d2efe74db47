"""bin/run's start: it waits as long as its children live and start, and names the log of
the one that died, in the state directory really used."""

import sys

import pytest

from apps.core import stack as stack_module
from apps.core.stack import Stack, StartFailed, free_port, wait_ready


def spawn_python(stack: Stack, name: str, code: str):
    return stack.spawn(name, [sys.executable, "-c", code], {"PATH": "/usr/bin:/bin"})


def test_it_waits_for_a_slow_child_and_reports_each_one_as_it_becomes_ready(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(stack_module, "PROGRESS_EVERY", 0.5)
    stack = Stack(state_dir=tmp_path / "state")
    web_port = free_port()
    server = f"import socket, time; time.sleep(1.5); s = socket.socket(); s.bind(('127.0.0.1', {web_port})); " \
             "s.listen(); time.sleep(60)"
    spawn_python(stack, "web", server)
    spawn_python(stack, "scheduler", "import time; time.sleep(2); print('beat: Starting...'); time.sleep(60)")
    try:
        wait_ready(stack, web_port)
        out = capsys.readouterr().out
        assert "ready: web" in out and "ready: scheduler" in out
        assert "still starting after" in out  # progress while waiting, no fixed limit
    finally:
        stack.stop()


def test_a_marker_from_an_earlier_run_in_the_appended_log_does_not_count(tmp_path):
    state = tmp_path / "state"
    (state / "logs").mkdir(parents=True)
    (state / "logs" / "scheduler.log").write_text("beat: Starting... (yesterday)\n")
    stack = Stack(state_dir=state)
    child = spawn_python(stack, "scheduler", "import time; time.sleep(60)")
    try:
        assert not stack_module.is_ready(child, free_port())
    finally:
        stack.stop()


def test_a_child_that_dies_stops_the_wait_and_names_its_log_in_the_state_dir_used(tmp_path):
    stack = Stack(state_dir=tmp_path / "elsewhere")
    spawn_python(stack, "web", "import time; time.sleep(60)")
    spawn_python(stack, "platform", "import sys; print('no broker'); sys.exit(3)")
    try:
        with pytest.raises(StartFailed) as failed:
            wait_ready(stack, free_port())
        assert failed.value.child.name == "platform"
        assert failed.value.child.log_path == tmp_path / "elsewhere" / "logs" / "platform.log"
        assert "no broker" in failed.value.child.log_path.read_text()
    finally:
        stack.stop()

