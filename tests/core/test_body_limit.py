"""A body over the upload limit is a 413 naming the limit, in the API and on the pages; never a 500."""

from __future__ import annotations

import json

import pytest

from apps.network.models import Queue
from tests.fixtures.api import bearer, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

LIMIT = 2_621_440
LIMIT_TEXT = "limit of 2.5 MiB (2621440 bytes)"


def too_big_json() -> str:
    return json.dumps({"name": "q" * (3 * 2**20)})


def test_a_3_mb_api_post_is_a_413_naming_the_limit_and_creates_nothing(client):
    attacker = make_user("ADD_QUEUE")
    response = client.post("/api/queues/", too_big_json(), content_type="application/json", **bearer(attacker))
    assert response.status_code == 413
    body = response.json()
    assert body["error"] == "payload_too_large"
    assert LIMIT_TEXT in body["message"]
    assert body["detail"] == {"limit_bytes": LIMIT}
    assert not Queue.objects.exists()


def test_a_30_mb_post_to_the_session_api_is_a_413_too(client):
    client.force_login(make_user("ADD_QUEUE"))
    body = json.dumps({"name": "q" * (30 * 2**20)})
    response = client.post("/api/queues/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


@pytest.mark.parametrize("path", ["/login/", "/django-admin/login/"])
def test_a_huge_login_form_is_a_413_page(client, path):
    response = client.post(path, {"username": "bob", "password": "x" * (3 * 2**20)})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert LIMIT_TEXT.encode() in response.content
    assert "_auth_user_id" not in client.session


def test_the_limit_is_a_setting(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/api/queues/", json.dumps({"name": "q" * 2000}), content_type="application/json",
                           **bearer(make_user("ADD_QUEUE")))
    assert response.status_code == 413
    assert "(1000 bytes)" in response.json()["message"]


def test_the_api_handler_maps_request_data_too_big_to_413():
    from django.core.exceptions import RequestDataTooBig

    from apps.core.errors import exception_handler

    response = exception_handler(RequestDataTooBig("too big"), {"view": None})
    assert response.status_code == 413
    assert LIMIT_TEXT in response.data["message"]
