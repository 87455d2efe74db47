"""Errors: 400 with field-level messages, 401, 403, 404, 409; never a 500 or a traceback."""

from __future__ import annotations

import uuid

import pytest

from apps.network.models import Queue
from tests.factories import make_queue, make_socket
from tests.fixtures.api import make_user

pytestmark = pytest.mark.django_db


def test_bad_input_is_a_400_with_field_messages(alice_api):
    response = alice_api.post("/api/queues/", {"name": "", "qtype": "sideways"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "bad_request"
    assert set(body["detail"]) == {"name", "qtype"}


def test_without_the_right_it_is_a_403_naming_the_right(api_as):
    response = api_as(make_user("LS_QUEUES")).post("/api/queues/", {"name": "q"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"error": "permission_denied", "message": "You need the ADD_QUEUE right to do this."}


@pytest.mark.parametrize("lookup", [str(uuid.uuid4()), "not-a-uuid", "1" * 300, "%00"])
def test_an_unknown_or_malformed_id_is_a_404(alice_api, lookup):
    response = alice_api.get(f"/api/queues/{lookup}/")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": "No such object."}


def test_a_duplicate_name_is_a_409(alice_api):
    make_queue(name="pyfi.queue1")
    response = alice_api.post("/api/queues/", {"name": "pyfi.queue1"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    assert "name" in response.json()["detail"]


def test_a_duplicate_pair_is_a_409_too(alice_api):
    socket = make_socket()
    body = {"name": socket.task.name, "processor": socket.processor.name, "module": "m"}
    assert alice_api.post("/api/tasks/", body, format="json").status_code == 409


def test_deleting_what_is_still_used_is_a_409_naming_the_users(alice_api):
    socket = make_socket(name="proc1.do_something")
    response = alice_api.delete(f"/api/queues/{socket.queue_id}/")
    assert response.status_code == 409
    assert "socket 'proc1.do_something'" in response.json()["message"]
    assert Queue.objects.filter(pk=socket.queue_id).exists()


@pytest.mark.parametrize("body", [
    {"name": "nul\x00byte"},
    {"name": "q", "message_ttl": 2**40},
    {"name": "q", "max_length": -5},
])
def test_input_the_database_cannot_store_is_a_400(alice_api, body):
    response = alice_api.post("/api/queues/", body, format="json")
    assert response.status_code == 400, response.content


def test_json_fields_reject_nul_characters_and_non_finite_numbers(alice_api):
    for params in ({"key": "a\x00b"}, {"key\x00": 1}):
        response = alice_api.post("/api/actions/", {"name": "a", "target": "host", "params": params}, format="json")
        assert response.status_code == 400, response.content
    raw = b'{"name": "a", "target": "host", "params": {"x": 1e999}}'
    response = alice_api.post("/api/actions/", raw, content_type="application/json")
    assert response.status_code == 400


def test_query_strings_with_nul_characters_are_a_400(alice_api):
    assert alice_api.get("/api/queues/", {"search": "a\x00"}).status_code == 400
    assert alice_api.get("/api/queues/", {"name": "a\x00"}).status_code == 400
    assert alice_api.get("/api/calls/", {"tracking": "nope"}).status_code == 400


def test_a_page_past_the_end_is_a_404(alice_api):
    assert alice_api.get("/api/queues/", {"page": 99}).status_code == 404


def test_only_json_is_spoken(alice_api):
    response = alice_api.post("/api/queues/", "name=q", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


def test_deeply_nested_json_is_a_400(alice_api):
    for depth in (5000, 200):
        raw = b'{"name": "a", "target": "host", "params": ' + b"[" * depth + b"]" * depth + b"}"
        assert alice_api.post("/api/actions/", raw, content_type="application/json").status_code == 400


def test_an_unsupported_method_is_a_405_even_without_the_right(api_as):
    from tests.factories import make_call

    call = make_call()
    response = api_as(make_user()).put(f"/api/calls/{call.pk}/", {}, format="json")
    assert response.status_code == 405


def test_unknown_addresses_under_the_api_are_json_404s(alice_api):
    for url in ("/api/nothing/", "/api/runs/CPU use in percent./", "/api/queues/a.b/"):
        response = alice_api.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"] == "not_found"
    assert alice_api.get("/api/queues").status_code == 301  # APPEND_SLASH still redirects
