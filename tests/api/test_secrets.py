"""Secrets never appear in any response: passwords, tokens and their digests, credentials in
git and broker URLs, Processor.gitrepo_secret, ProcessorSecret.ciphertext."""

from __future__ import annotations

import json

import pytest

from apps.processors.models import Processor, ProcessorSecret, TrustedRepository
from flowsite.api_urls import router
from tests.fixtures.api import bearer

pytestmark = pytest.mark.django_db

SECRETS = ["s3cr3t-pass", "hunter2-value", "brokerpw", "a long enough password"]


@pytest.fixture
def secrets_everywhere(alice_api, bob):
    TrustedRepository.objects.create(name="acme", pattern="https://github.com/acme/*")
    created = [
        alice_api.post("/api/processors/", {
            "name": "proc1", "module": "acme.mod", "gitrepo": "https://joe:s3cr3t-pass@github.com/acme/repo.git",
        }, format="json"),
        alice_api.post("/api/secrets/", {"name": "db", "value": "hunter2-value"}, format="json"),
        alice_api.post("/api/workers/", {
            "name": "w1", "processor": "proc1", "broker": "amqp://guest:brokerpw@rabbit:5672//",
        }, format="json"),
        alice_api.post("/api/users/", {"username": "joe", "password": "a long enough password"}, format="json"),
    ]
    assert [r.status_code for r in created] == [201, 201, 201, 201], [r.content for r in created]
    return created


def test_writes_answer_without_the_secrets(secrets_everywhere):
    processor, secret, worker, user = (r.json() for r in secrets_everywhere)
    assert processor["gitrepo"] == "https://***@github.com/acme/repo.git"
    assert "gitrepo_secret" not in processor
    assert set(secret) >= {"id", "name"} and "value" not in secret and "ciphertext" not in secret
    assert worker["broker"] == "amqp://***@rabbit:5672//"
    assert "password" not in user


def test_secrets_are_stored_encrypted(secrets_everywhere):
    processor = Processor.objects.get(name="proc1")
    assert processor.gitrepo_secret and "s3cr3t-pass" not in processor.gitrepo_secret
    assert "hunter2-value" not in ProcessorSecret.objects.get(name="db").ciphertext


def test_no_list_or_object_shows_a_secret(secrets_everywhere, alice_api, bob):
    raw_token = bearer(bob)["HTTP_AUTHORIZATION"].split()[1]
    stored = [Processor.objects.get(name="proc1").gitrepo_secret, ProcessorSecret.objects.get(name="db").ciphertext]
    forbidden = [*SECRETS, raw_token, *stored]
    for prefix, _viewset, _basename in router.registry:
        if prefix in ("auth", "runs"):
            continue
        listing = alice_api.get(f"/api/{prefix}/", {"rows": 1000})
        assert listing.status_code == 200, prefix
        text = json.dumps(listing.json())
        for rows in listing.json()["results"]:
            text += json.dumps(alice_api.get(f"/api/{prefix}/{rows['id']}/").json())
        leaked = [secret for secret in forbidden if secret in text]
        assert leaked == [], f"{prefix} shows {leaked}"
        assert '"digest"' not in text and '"ciphertext"' not in text and '"gitrepo_secret"' not in text
