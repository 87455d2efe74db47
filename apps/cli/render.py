"""Output: ``+------+`` tables like the specification's, JSON for ``--json``, results, trees."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import click

MAX_CELL = 80
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def cell(value: Any) -> str:
    """One value as table text: dates as ``2021-09-13 19:30:19.933346``, objects by name."""
    if isinstance(value, dict):
        value = value.get("name") or value.get("username") or value.get("id") or _compact(value)
    elif isinstance(value, list | tuple):
        return _clip(", ".join(cell(item) for item in value))
    if value is None:
        return "None"
    text = str(value)
    if isinstance(value, str) and _ISO_DATETIME.match(text):
        text = timestamp(text)
    return _clip(text.replace("\r", " ").replace("\n", " "))


def timestamp(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """An ASCII table: ``+---+`` rules, ``| a | b |`` rows, left aligned."""
    text_rows = [[cell(value) for value in row] for row in rows]
    widths = [len(header) for header in headers]
    for row in text_rows:
        for index, text in enumerate(row):
            widths[index] = max(widths[index], len(text))
    rule = "+" + "+".join("-" * (width + 2) for width in widths) + "+"
    lines = [rule, _row(headers, widths), rule]
    lines.extend(_row(row, widths) for row in text_rows)
    lines.append(rule)
    return "\n".join(lines)


def echo_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str | None = None) -> None:
    if title:
        click.echo(title)
    click.echo(table(headers, rows))


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, default=str, ensure_ascii=False))


def result_text(value: Any) -> str:
    """A call result for people: a string raw, anything else as pretty JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, default=str, ensure_ascii=False)


def detail_rows(obj: dict, skip: Iterable[str] = ()) -> list[tuple[str, Any]]:
    """(field, value) for the fields worth showing: not skipped, not empty."""
    skipped = set(skip)
    return [
        (key, value)
        for key, value in obj.items()
        if key not in skipped and value not in (None, "", [], {})
    ]


def footer(page: int, rows: int, count: int) -> str:
    pages = max(1, -(-count // rows)) if rows else 1
    return f"Page {page} of {pages} of {count} total records"


def _row(values: Sequence[str], widths: Sequence[int]) -> str:
    return "|" + "|".join(f" {value:<{width}} " for value, width in zip(values, widths)) + "|"


def _clip(text: str) -> str:
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)
