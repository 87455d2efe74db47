"""The typed-wire checker decides the cases its front-end twin decides, in the same words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apps.processors.wire_types import WireEnds, placeholder, wire_check, wire_judge

CASES = json.loads((Path(__file__).resolve().parents[2] / "frontend/src/store/wireTypes.cases.json").read_text())


@pytest.mark.parametrize(("source", "target", "verdict", "detail"), CASES["check"])
def test_it_decides_whether_a_result_may_feed_an_argument(source, target, verdict, detail):
    check = wire_check(source, target)
    assert (check.verdict, check.detail) == (verdict, detail)


@pytest.mark.parametrize("case", CASES["judge"], ids=lambda case: case["message"][:40] or "ok")
def test_it_names_both_ends_and_the_reason(case):
    assert wire_judge(WireEnds(**case["ends"])) == (case["verdict"], case["message"])


@pytest.mark.parametrize(("annotation", "value"), CASES["placeholder"])
def test_an_input_form_starts_from_a_value_of_each_arguments_type(annotation, value):
    assert placeholder(annotation) == value
