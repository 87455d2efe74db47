"""Tokens for the CLI and the client, whoami, sessions with CSRF, and the log-in rate limit."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.fixtures.people import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def login(api, username="bob", password=PASSWORD, **extra):
    return api.post("/api/auth/token/", {"username": username, "password": password, **extra}, format="json")


def test_a_password_gets_a_token_that_authenticates_as_a_bearer(api, bob):
    response = login(api, name="laptop")
    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "bob" and body["token"].startswith("ec_")
    whoami = api.get("/api/auth/whoami/", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert whoami.status_code == 200
    assert whoami.json() == {
        "id": str(bob.pk), "username": "bob", "email": "bob@example.com", "is_superuser": False, "rights": [],
    }


def test_whoami_lists_the_effective_rights(api_as):
    from tests.fixtures.api import make_user

    user = make_user("ADD_QUEUE", role_rights=("LS_QUEUES", "DELETE_QUEUE"), revoked=("DELETE_QUEUE",))
    assert api_as(user).get("/api/auth/whoami/").json()["rights"] == ["ADD_QUEUE", "LS_QUEUES"]


def test_deleting_the_token_revokes_it(api, bob):
    token = login(api).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert api.delete("/api/auth/token/", **auth).status_code == 204
    response = api.get("/api/auth/whoami/", **auth)
    assert response.status_code == 401
    assert response.json() == {"error": "authentication_failed", "message": "Invalid or revoked token."}


def test_a_wrong_password_is_a_401_and_anonymous_calls_are_401(api, bob):
    response = login(api, password="wrong")
    assert response.status_code == 401
    assert response.json()["message"] == "Invalid username or password."
    assert api.get("/api/processors/").status_code == 401
    assert api.get("/api/auth/whoami/").status_code == 401


def test_too_many_failures_are_rate_limited_even_with_the_right_password(api, bob, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"login": "3/min"}}
    assert [login(api, password="wrong").status_code for _ in range(3)] == [401, 401, 401]
    response = login(api)
    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"


def test_a_browser_session_needs_the_csrf_token_to_write(alice):
    browser = APIClient(enforce_csrf_checks=True)
    browser.login(username="alice", password=PASSWORD)
    assert browser.get("/api/queues/").status_code == 200
    response = browser.post("/api/queues/", {"name": "q1"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]


def test_the_schema_and_the_docs_are_served(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/processors/{id}/start/" in schema.json()["paths"]
    assert api.get("/api/docs/").status_code == 200
