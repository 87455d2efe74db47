"""The calls list at depth: keyset pages (``cursor``) that walk the index, and a count that
is exact up to a bound and an estimate beyond it, never a full count of a big table."""

from __future__ import annotations

import base64
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.calls.models import Call
from apps.core import pagination
from tests.factories import make_socket

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls():
    """25 calls a second apart, three of them at the same instant (the cursor's offset case)."""
    socket = make_socket()
    now = timezone.now()
    stamps = [now - timedelta(seconds=n) for n in range(22)] + [now - timedelta(seconds=30)] * 3
    rows = [Call(name=socket.name, socket=socket, task=socket.task, queue="q", state="finished", created=stamp)
            for stamp in stamps]
    Call.objects.bulk_create(rows)
    ids = list(Call.objects.order_by("-created").values_list("id", flat=True))
    assert len(ids) == 25
    return [str(pk) for pk in ids]


def cursor_of(link: str | None) -> str | None:
    return parse_qs(urlparse(link).query)["cursor"][0] if link else None


def walk(alice_api, **params) -> list[str]:
    seen, cursor = [], ""
    while cursor is not None:
        answer = alice_api.get("/api/calls/", {"cursor": cursor, "rows": 4, **params})
        assert answer.status_code == 200, answer.content
        seen += [row["id"] for row in answer.json()["results"]]
        cursor = cursor_of(answer.json()["next"])
    return seen


def test_cursor_pages_walk_every_call_once_newest_first(alice_api, calls):
    assert walk(alice_api) == calls


def test_cursor_pages_oldest_first_and_back(alice_api, calls):
    assert walk(alice_api, ordering="created") == list(reversed(calls))
    first = alice_api.get("/api/calls/", {"cursor": "", "rows": 4}).json()
    second = alice_api.get("/api/calls/", {"cursor": cursor_of(first["next"]), "rows": 4}).json()
    back = alice_api.get("/api/calls/", {"cursor": cursor_of(second["previous"]), "rows": 4}).json()
    assert [row["id"] for row in back["results"]] == [row["id"] for row in first["results"]]


def test_a_deep_cursor_page_asks_no_offset_and_no_full_count(alice_api, calls):
    first = alice_api.get("/api/calls/", {"cursor": "", "rows": 20}).json()
    with CaptureQueriesContext(connection) as queries:
        deep = alice_api.get("/api/calls/", {"cursor": cursor_of(first["next"]), "rows": 4, "state": "finished"})
    assert [row["id"] for row in deep.json()["results"]] == calls[20:24]
    listing = [q["sql"] for q in queries.captured_queries if 'FROM "call"' in q["sql"]]
    assert listing and not any("OFFSET" in sql for sql in listing), listing
    assert all("LIMIT" in sql for sql in listing), listing  # the count is bounded too


def test_count_is_exact_up_to_the_bound_then_an_estimate(alice_api, calls, monkeypatch):
    answer = alice_api.get("/api/calls/").json()
    assert (answer["count"], answer["count_exact"]) == (25, True)
    monkeypatch.setattr(pagination, "COUNT_EXACT_MAX", 10)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE call")
    answer = alice_api.get("/api/calls/", {"rows": 10}).json()
    assert answer["count_exact"] is False and answer["count"] > 10
    assert len(answer["results"]) == 10 and answer["next"]
    # Pages past an estimate answer empty rather than 404, and say there is no next one.
    far = alice_api.get("/api/calls/", {"rows": 10, "page": 50})
    assert far.status_code == 200 and far.json()["results"] == [] and far.json()["next"] is None
    # Page numbers still reach every row, bounded count or not.
    pages = [alice_api.get("/api/calls/", {"rows": 10, "page": n}).json()["results"] for n in (1, 2, 3)]
    assert [row["id"] for page in pages for row in page] == calls


@pytest.mark.parametrize("cursor", ["not base64!", base64.b64encode(b"p=yesterday").decode(),
                                    base64.b64encode(b"o=-4").decode()])
def test_a_forged_cursor_is_a_clear_404(alice_api, calls, cursor):
    answer = alice_api.get("/api/calls/", {"cursor": cursor})
    assert answer.status_code == 404 and "Invalid cursor" in answer.json()["message"]


def test_cursor_pages_take_created_orderings_only(alice_api, calls):
    answer = alice_api.get("/api/calls/", {"cursor": "", "ordering": "state"})
    assert answer.status_code == 400 and "created" in str(answer.json())
