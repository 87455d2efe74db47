"""RunnerProcess + runner.py: calls, logs, errors, limits, timeouts, crashes, isolation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from apps.engine.runner_client import RunnerCrashed, RunnerProcess, RunnerTimeout, runner_script_path

SAMPLE = "elasticcode_examples.sample"

THROWAWAY = {
    "envdump.py": "import os\n\ndef environment():\n    return dict(os.environ)\n",
    "tricky.py": '''\
import os, subprocess, sys


def die(code):
    os._exit(code)


def segfault():
    import ctypes
    ctypes.string_at(0)


def exit_politely():
    sys.exit(4)


def read_stdin():
    return [sys.stdin.read(), os.read(0, 100).decode()]


def raw_output():
    os.write(1, b"fd one\\n")
    os.write(2, b"fd two\\n")
    subprocess.run(["echo", "from a child"], check=True)
    sys.stderr.write("python stderr\\n")
    return "done"


def chatty(size):
    print("x" * size)
    return size


def big(size):
    return "y" * size


def rebind_stdout():
    sys.stdout = open(os.devnull, "w")
    return "rebound"


def with_plugs_positional(value, plugs):
    plugs["seen"] = value
    return value


def takes_kwargs(**kwargs):
    kwargs["plugs"]["k"] = 1
    kwargs["output"]["o"] = 2
    return sorted(kwargs)


def nan():
    return float("nan")


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no")


def raise_unprintable():
    raise Unprintable()


def bad_plugs(plugs):
    plugs["ok"] = 1
    plugs["bad"] = {1, 2}
    return "fine"
''',
}


@pytest.fixture
def runner(example_mount):
    process = RunnerProcess(example_mount.python, example_mount.path)
    yield process
    process.close()


@pytest.fixture
def throwaway(tmp_path: Path) -> Path:
    for name, text in THROWAWAY.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.fixture
def tricky(example_mount, throwaway):
    process = RunnerProcess(example_mount.python, throwaway, max_result_bytes=1000, max_log_bytes=300)
    yield process
    process.close()


def call(process: RunnerProcess, function: str, *args, module: str = SAMPLE, timeout: float | None = 30, **kwargs):
    return process.call(module=module, function=function, args=list(args), kwargs=kwargs, timeout=timeout)


def test_runner_script_is_stdlib_only():
    text = runner_script_path().read_text()
    assert runner_script_path().is_file()
    assert "import apps" not in text and "from apps" not in text


def test_add_two(runner):
    response = call(runner, "add_two", 2, 3)
    assert response["ok"] is True and response["result"] == 5 and response["error"] is None
    assert call(runner, "add_two", one="a", two="b")["result"] == "ab"
    assert response["metrics"] == [] and response["plugs"] == {} and response["log"] == ""
    assert isinstance(response["duration_ms"], float)


def test_print_is_captured_as_log(runner):
    response = call(runner, "say", "hello")
    assert response["result"] == "hello"
    assert response["log"] == "saying: hello\n"
    assert call(runner, "noop")["log"] == ""  # each call gets its own log


def test_exception_becomes_error(runner):
    response = call(runner, "fail", "boom")
    assert response["ok"] is False and response["result"] is None
    error = response["error"]
    assert error["type"] == "ValueError"
    assert error["message"] == "fail was asked to fail: boom"
    assert "sample.py" in error["traceback"] and "runner.py" not in error["traceback"]
    assert call(runner, "add_two", 1, 1)["result"] == 2  # the runner survives


def test_timeout_kills_and_next_call_restarts(runner):
    first_pid = call(runner, "noop") and runner.pid
    with pytest.raises(RunnerTimeout, match=r"sleep did not finish within 0\.3 s"):
        call(runner, "sleep", 60, timeout=0.3)
    assert runner.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(first_pid, 0)
    assert call(runner, "add_two", 20, 22)["result"] == 42
    assert runner.pid not in (None, first_pid)


def test_non_json_result(runner):
    response = call(runner, "bad_result")
    assert response["ok"] is False
    assert response["error"]["message"].startswith("result of type set is not JSON-serialisable")


def test_oversized_result(tricky):
    assert call(tricky, "big", 500, module="tricky")["ok"] is True
    response = call(tricky, "big", 5000, module="tricky")
    assert response["ok"] is False
    assert response["error"]["message"] == "result is 5002 bytes, over the limit of 1000"


def test_nan_is_not_json(tricky):
    assert "not JSON-serialisable" in call(tricky, "nan", module="tricky")["error"]["message"]


def test_plugs_routing(runner):
    response = call(runner, "route", "msg")
    assert response["ok"] and response["result"] == "msg"
    assert response["plugs"] == {"left": "msg", "right": "MSG"}
    again = call(runner, "route", "two")  # fresh plugs every call, despite plugs={} default
    assert again["plugs"] == {"left": "two", "right": "TWO"}


def test_plugs_and_output_through_kwargs_or_position(tricky):
    response = call(tricky, "takes_kwargs", module="tricky")
    assert response["result"] == ["output", "plugs"]
    assert (response["plugs"], response["output"]) == ({"k": 1}, {"o": 2})
    positional = tricky.call(module="tricky", function="with_plugs_positional", args=["v", {}], kwargs={}, timeout=30)
    assert positional["plugs"] == {"seen": "v"}


def test_graph_metric(runner):
    response = call(runner, "do_graph", "warm")
    graph = {"name": "temperature", "value": 4, "tag": {"name": "tagname", "value": "tagvalue"}}
    assert response["metrics"] == [graph]
    assert response["result"]["graph"] == graph
    assert call(runner, "do_something", "hi")["result"] == "TEXT:hi"
    assert call(runner, "do_this", 7)["result"] == "Do this: 7"


def test_unknown_module_and_function(runner):
    missing = call(runner, "f", module="no_such_module_here")
    assert missing["ok"] is False
    assert missing["error"]["message"] == (
        "could not import module 'no_such_module_here': ModuleNotFoundError: No module named 'no_such_module_here'"
    )
    unknown = call(runner, "nope")
    assert unknown["error"] == {
        "type": "FunctionNotFound",
        "message": "module 'elasticcode_examples.sample' has no function 'nope'",
        "traceback": "",
    }
    assert call(runner, "_private")["error"]["type"] == "FunctionNotFound"
    optional = call(runner, "import_optional")
    assert optional["error"]["type"] == "ModuleNotFoundError"


def test_environment_is_built_from_scratch(example_mount, throwaway, monkeypatch):
    for name in ("DATABASE_URL", "SECRET_KEY", "BROKER_URL", "CELERY_BROKER_URL", "REDIS_URL"):
        monkeypatch.setenv(name, f"leaked-{name}")
    with RunnerProcess(example_mount.python, throwaway, secrets={"API_TOKEN": "t0ken"}) as process:
        env = call(process, "environment", module="envdump")["result"]
    assert not [name for name in env if "leaked" in env[name]]
    assert set(env) <= {"PATH", "HOME", "LANG", "PYTHONPATH", "PYTHONUNBUFFERED", "API_TOKEN", "LC_CTYPE"}
    assert env["API_TOKEN"] == "t0ken"
    assert env["PYTHONPATH"] == str(throwaway)
    assert env["HOME"] != os.environ.get("HOME") and not Path(env["HOME"]).exists()  # removed at close


@pytest.mark.parametrize("secrets", [{"PATH": "/evil"}, {"bad name": "x"}, {"OK": 1}])
def test_bad_secrets_are_refused(example_mount, secrets):
    with pytest.raises(ValueError):
        RunnerProcess(example_mount.python, example_mount.path, secrets=secrets)


def test_crash_reports_exit_code_and_recovers(tricky):
    with pytest.raises(RunnerCrashed) as info:
        call(tricky, "die", 3, module="tricky")
    assert info.value.exit_code == 3
    assert "exit code 3" in str(info.value)
    assert call(tricky, "big", 1, module="tricky")["result"] == "y"


def test_segfault_reports_signal_and_stderr_tail(tricky):
    with pytest.raises(RunnerCrashed) as info:
        call(tricky, "segfault", module="tricky")
    assert info.value.exit_code == -11
    assert "Segmentation fault" in info.value.stderr_tail
    assert "killed by SIGSEGV" in str(info.value)


def test_sys_exit_is_an_error_not_a_crash(tricky):
    response = call(tricky, "exit_politely", module="tricky")
    assert response["error"]["type"] == "SystemExit" and response["error"]["message"] == "4"
    assert call(tricky, "big", 2, module="tricky")["ok"]


def test_user_code_cannot_touch_the_protocol(tricky):
    assert call(tricky, "read_stdin", module="tricky")["result"] == ["", ""]
    response = call(tricky, "raw_output", module="tricky")
    assert response["result"] == "done"
    for text in ("fd one", "fd two", "from a child", "python stderr"):
        assert text in response["log"]
    assert call(tricky, "rebind_stdout", module="tricky")["result"] == "rebound"
    assert call(tricky, "chatty", 3, module="tricky")["log"] == "xxx\n"  # sys.stdout restored


def test_log_is_truncated_with_a_marker(tricky):
    response = call(tricky, "chatty", 10_000, module="tricky")
    assert response["ok"] is True
    log = response["log"]
    assert "bytes of output truncated" in log
    assert len(log.encode()) < 400
    assert log.startswith("xxx") and log.endswith("x\n")


def test_arguments_must_be_json(runner):
    with pytest.raises(ValueError, match="not JSON-serialisable"):
        runner.call(module=SAMPLE, function="add_two", args=[{1, 2}, 3], kwargs={}, timeout=5)


def test_bad_python_is_a_clear_crash(tmp_path):
    process = RunnerProcess(tmp_path / "missing-python", tmp_path)
    with pytest.raises(RunnerCrashed, match="could not start the runner"):
        process.call(module="m", function="f", timeout=5)


def test_close_stops_the_child(example_mount):
    process = RunnerProcess(example_mount.python, example_mount.path)
    call(process, "noop")
    pid = process.pid
    process.close()
    assert process.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_misbehaving_exceptions_and_plugs_are_reported(tricky):
    unprintable = call(tricky, "raise_unprintable", module="tricky")
    assert unprintable["error"]["type"] == "Unprintable"
    assert "unprintable message" in unprintable["error"]["message"]
    plugs = call(tricky, "bad_plugs", module="tricky")
    assert plugs["ok"] is False and plugs["result"] is None and plugs["plugs"] == {}
    assert plugs["error"]["message"].startswith("plugs of type dict is not JSON-serialisable")
