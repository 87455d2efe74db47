"""Compose files are validated before anything is sent, and problems name their line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from apps.cli.compose_spec import ComposeError, load, parse
from apps.cli.main import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "network.yaml"


def problems(text: str) -> list[str]:
    with pytest.raises(ComposeError) as caught:
        parse(text, "network.yaml")
    return caught.value.problems


def test_the_example_file_is_valid_and_ordered_for_creation():
    document = load(EXAMPLE)
    assert [obj.kind for obj in document.objects] == [
        "network", "node", "queue", "processor", "socket", "socket", "plug",
    ]
    processor = document.objects[3]
    assert processor.fields["concurrency"] == 5
    assert document.where(processor, "concurrency") == f"network.yaml:{processor.key_lines['concurrency']}"


def test_a_missing_required_field_names_the_line():
    text = "processors:\n  - name: ok\n    gitrepo: g\n    module: m\n  - name: proc1\n    module: m\n"
    assert problems(text) == ["network.yaml:5: processor 'proc1' needs 'gitrepo'"]


def test_every_problem_is_reported_in_line_order():
    text = (
        "queues:\n"
        "  - name: q\n"
        "    qtype: circular\n"
        "    max_length: lots\n"
        "sockets:\n"
        "  - name: s\n"
        "    processor: p\n"
        "    queue: q\n"
        "    task: t\n"
        "    colour: red\n"
        "  - name: s\n"
        "    processor: p\n"
        "    queue: q\n"
        "    task: t\n"
        "gadgets: []\n"
    )
    assert problems(text) == [
        "network.yaml:3: queue 'q': 'qtype' must be one of direct, topic, fanout, not 'circular'",
        "network.yaml:4: queue 'q': 'max_length' must be a whole number, not 'lots'",
        "network.yaml:10: socket 's': unknown field 'colour' (fields: name, processor, queue, task, "
        "description, interval, cron, schedule_type, wait)",
        "network.yaml:11: socket 's' is declared twice (first at line 6)",
        "network.yaml:15: unknown section 'gadgets' (expected one of: version, networks, nodes, queues, "
        "processors, sockets, plugs)",
    ]


def test_a_yaml_syntax_error_names_its_line():
    assert problems("queues:\n  - name: q\n    qtype: [direct\nplugs: []\n") == [
        "network.yaml:4: expected ',' or ']', but got ':'"
    ]


def test_entries_need_a_name_and_single_values():
    text = "networks:\n  - description: nameless\nnodes:\n  - name: n\n    hostname: [a, b]\n"
    assert problems(text) == [
        "network.yaml:2: a network needs a 'name' (text)",
        "network.yaml:5: node 'n': 'hostname' must be a single value, not a list or mapping",
    ]


def test_text_fields_accept_numbers_as_text():
    document = parse("processors:\n  - {name: p, gitrepo: g, module: m, commit: 1234}\n")
    assert document.objects[0].fields["commit"] == "1234"


def test_flow_compose_reports_a_malformed_file_in_one_line_and_exits_2(tmp_path):
    path = tmp_path / "network.yaml"
    path.write_text("version: 1\nprocessors:\n  - name: proc1\n    module: pyfi.processors.sample\n")
    result = CliRunner().invoke(cli, ["compose", "up", "-f", str(path)],
                                env={"FLOW_URL": "http://127.0.0.1:9", "FLOW_CONFIG": str(tmp_path / "f.ini")})
    assert result.exit_code == 2
    assert result.stderr == "error: network.yaml:3: processor 'proc1' needs 'gitrepo'\n"
    assert "Traceback" not in result.output
