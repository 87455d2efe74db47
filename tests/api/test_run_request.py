"""What a run request may carry: None is a legitimate argument (``emit_two(None)``)."""

from __future__ import annotations

from apps.engine.api import RunRequest


def test_none_is_an_argument_and_a_keyword_value():
    body = RunRequest(data={"args": [None, 1], "kwargs": {"two": None}})
    assert body.is_valid(), body.errors
    assert body.validated_data == {"args": [None, 1], "kwargs": {"two": None}}


def test_args_must_still_be_a_list():
    assert not RunRequest(data={"args": None}).is_valid()
