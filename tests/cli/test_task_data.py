"""``--data`` is JSON or a Python literal, never evaluated; a mistake is one line and exit code 2."""

from __future__ import annotations

import httpx
import pytest
from click.testing import CliRunner

from apps.cli.errors import CliError
from apps.cli.main import cli
from apps.cli.tasks import parse_data, parse_kwargs, wait_for_call
from apps.client.http import ApiClient


@pytest.mark.parametrize(
    ("text", "args"),
    [('["some data"]', ["some data"]), ('"HI"', ["HI"]), ("42", [42]), ('{"a": 1}', [{"a": 1}]),
     ("HI", ["HI"]), ("some data", ["some data"]), ("__import__('os')", ["__import__('os')"]),
     ("['some data']", ["some data"]), ("{'a': 1}", [{"a": 1}]), ("(1, 'b', None)", [1, "b", None]),
     ("[None]", [None]), ("[null]", [None]), ("'HI'", ["HI"])],
)
def test_data_becomes_positional_arguments(text, args):
    assert parse_data(text) == args


@pytest.mark.parametrize("text", ['"unterminated', "[__import__('os')]", "(1, 2", "[1, {2}]", "{1: 'a'}",
                                  "[b'x']", "[float('nan')]"])
def test_text_that_starts_like_a_literal_must_be_one_json_can_carry(text):
    with pytest.raises(CliError, match=r"^--data") as caught:
        parse_data(text)
    assert caught.value.exit_code == 2


def test_kwargs_must_be_a_json_object():
    assert parse_kwargs('{"two": 2}') == {"two": 2}
    with pytest.raises(CliError, match="must be a JSON object"):
        parse_kwargs("[2]")


def test_bad_data_exits_2_with_one_line_and_no_traceback(tmp_path):
    result = CliRunner().invoke(
        cli, ["task", "run", "--socket", "pyfi.processors.sample.do_this", "--data", "['some data'"],
        env={"FLOW_URL": "http://127.0.0.1:9", "FLOW_CONFIG": str(tmp_path / "flow.ini")},
    )
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: --data is neither JSON nor a Python literal: Expecting value: line 1 column 2")
    assert "Traceback" not in result.output


def test_waiting_polls_with_backoff_until_the_call_ends():
    states = iter(["received", "running", "running", "finished"])

    def handler(request):
        return httpx.Response(200, json={"id": "c1", "state": next(states), "result": "done"})

    slept: list[float] = []
    now = [0.0]

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    client = ApiClient("http://flow.test", transport=httpx.MockTransport(handler))
    call = wait_for_call(client, {"id": "c1", "state": "queued"}, 10, sleep=sleep, clock=lambda: now[0])
    assert call["state"] == "finished"
    assert slept == [0.05, 0.1, 0.2, 0.4]


def test_waiting_gives_up_at_the_timeout_with_exit_code_1():
    client = ApiClient("http://flow.test", transport=httpx.MockTransport(
        lambda request: httpx.Response(200, json={"id": "c1", "state": "queued"})))
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    with pytest.raises(CliError, match=r"call c1 did not finish within 1 s \(state: queued\)") as caught:
        wait_for_call(client, {"id": "c1", "state": "queued"}, 1, sleep=sleep, clock=lambda: now[0])
    assert caught.value.exit_code == 1


def test_a_run_id_that_is_not_one_is_refused_before_anything_is_sent(tmp_path):
    result = CliRunner().invoke(
        cli, ["task", "run", "--socket", "emit_two", "--data", "[None]", "--run", "not-a-run"],
        env={"FLOW_URL": "http://127.0.0.1:9", "FLOW_CONFIG": str(tmp_path / "flow.ini")},
    )
    assert result.exit_code == 2
    assert "--run 'not-a-run' is not a run id" in result.stderr
