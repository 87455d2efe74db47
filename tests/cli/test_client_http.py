"""The REST client on its own: headers, typed errors, retries, pagination, find."""

from __future__ import annotations

import httpx
import pytest

from apps.client import errors
from apps.client.http import ApiClient


def client_for(handler, **options) -> tuple[ApiClient, list[float]]:
    slept: list[float] = []
    client = ApiClient("http://flow.test", "ec_secret", transport=httpx.MockTransport(handler),
                       sleep=slept.append, **options)
    return client, slept


def test_it_sends_the_token_and_a_fresh_request_id():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    client, _ = client_for(handler)
    assert client.get("queues/") == {"ok": True}
    client.get("/api/queues/")
    assert [str(request.url) for request in seen] == ["http://flow.test/api/queues/"] * 2
    assert seen[0].headers["Authorization"] == "Bearer ec_secret"
    assert seen[0].headers["X-Request-ID"] != seen[1].headers["X-Request-ID"]


@pytest.mark.parametrize(
    ("status", "error_type", "exit_code"),
    [(400, errors.BadRequest, 2), (401, errors.Unauthorized, 3), (403, errors.Forbidden, 3),
     (404, errors.NotFound, 4), (409, errors.Conflict, 5), (500, errors.ServerError, 7)],
)
def test_it_raises_the_typed_error_of_each_status(status, error_type, exit_code):
    body = {"error": "bad_request", "message": "The input is not valid.", "detail": {"name": ["taken"]}}

    def handler(request):
        return httpx.Response(status, json=body, headers={"X-Request-ID": "req-1"})

    client, _ = client_for(handler)
    with pytest.raises(error_type) as caught:
        client.post("queues/", {"name": "q"})
    assert caught.value.exit_code == exit_code
    assert caught.value.message == "The input is not valid."
    assert caught.value.detail == {"name": ["taken"]}
    assert caught.value.request_id == "req-1"
    assert caught.value.status == status


def test_a_drf_style_detail_becomes_the_message():
    client, _ = client_for(lambda request: httpx.Response(401, json={"detail": "Invalid or revoked token."}))
    with pytest.raises(errors.Unauthorized, match=r"Invalid or revoked token\."):
        client.get("auth/whoami/")


def test_a_non_json_error_says_what_was_asked():
    client, _ = client_for(lambda request: httpx.Response(404, text="<h1>Not Found</h1>"))
    with pytest.raises(errors.NotFound, match=r"404 Not Found to GET /api/calls/x/tree/"):
        client.get("calls/x/tree/")


def test_it_retries_an_idempotent_request_on_503_with_backoff():
    answers = iter([httpx.Response(503), httpx.Response(429, headers={"Retry-After": "2"}),
                    httpx.Response(200, json=[1])])
    client, slept = client_for(lambda request: next(answers))
    assert client.get("queues/") == [1]
    assert slept == [0.25, 2.0]


def test_it_never_retries_a_post():
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(503, json={"error": "unavailable", "message": "busy"})

    client, slept = client_for(handler)
    with pytest.raises(errors.ServerError):
        client.post("sockets/1/run/", {})
    assert len(calls) == 1 and slept == []


def test_an_unreachable_server_is_connection_failed_after_retries():
    def handler(request):
        raise httpx.ConnectError("[Errno 111] Connection refused")

    client, slept = client_for(handler, retries=2)
    with pytest.raises(errors.ConnectionFailed) as caught:
        client.get("queues/")
    assert caught.value.exit_code == 8
    assert caught.value.message == (
        "cannot reach the ElasticCode server at http://flow.test: [Errno 111] Connection refused"
    )
    assert slept == [0.25, 0.5]


def test_list_all_follows_next_links():
    pages = {
        "1": {"count": 3, "next": "http://flow.test/api/queues/?page=2", "results": [{"name": "a"}, {"name": "b"}]},
        "2": {"count": 3, "next": None, "results": [{"name": "c"}]},
    }

    def handler(request):
        return httpx.Response(200, json=pages[request.url.params.get("page", "1")])

    client, _ = client_for(handler)
    assert [item["name"] for item in client.list_all("queues/")] == ["a", "b", "c"]


def test_find_returns_the_one_object_by_exact_name():
    def handler(request):
        assert request.url.params["name"] in ("q1", "q2")
        return httpx.Response(200, json={"count": 2, "next": None,
                                         "results": [{"name": "q1", "id": "1"}, {"name": "q10", "id": "2"}]})

    client, _ = client_for(handler)
    assert client.find("queues", "q1")["id"] == "1"
    with pytest.raises(errors.NotFound, match="no queue named 'q2'"):
        client.find("queues", "q2")


def test_find_matches_users_by_username():
    client, _ = client_for(lambda request: httpx.Response(200, json={"results": [{"username": "joe", "id": "7"}]}))
    assert client.find("users", "joe")["id"] == "7"
