"""Without a server the CLI says so in one line and exits 8."""

from __future__ import annotations


def test_an_unreachable_server_exits_8_with_one_line(flow_offline):
    result = flow_offline("ls", "queues")
    assert result.exit_code == 8
    assert result.stderr.splitlines() == [
        "error: cannot reach the ElasticCode server at http://127.0.0.1:9: [Errno 111] Connection refused"
    ]
    assert result.stdout == ""


def test_debug_adds_the_traceback(flow_offline):
    result = flow_offline("--debug", "ls", "queues")
    assert result.exit_code == 8
    assert "Traceback" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("error: cannot reach the ElasticCode server")
