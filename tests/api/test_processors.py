"""Processors through the API: trusted repositories, redacted credentials, operator verbs."""

from __future__ import annotations

import pytest

from apps.core.models import Log
from apps.processors.models import TrustedRepository
from tests.factories import make_processor

pytestmark = pytest.mark.django_db

BODY = {"name": "proc1", "module": "pyfi.processors.sample", "gitrepo": "https://github.com/acme/flows.git"}


def test_an_untrusted_repository_is_a_400_on_gitrepo(alice_api):
    response = alice_api.post("/api/processors/", BODY, format="json")
    assert response.status_code == 400
    assert "not trusted" in response.json()["detail"]["gitrepo"][0]


def test_a_trusted_repository_creates_the_processor(alice_api):
    TrustedRepository.objects.create(name="acme", pattern="https://github.com/acme/*")
    response = alice_api.post("/api/processors/", {**BODY, "concurrency": 3, "branch": "main"}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["owner"], response.json()["concurrency"]) == ("alice", 3)
    changed = alice_api.patch(f"/api/processors/{response.json()['id']}/", {"concurrency": 0}, format="json")
    assert changed.status_code == 400 and "concurrency" in changed.json()["detail"]


@pytest.mark.parametrize("verb, status", [
    ("start", "running"), ("stop", "stopped"), ("pause", "paused"), ("resume", "running"), ("restart", "starting"),
])
def test_operator_verbs_record_the_requested_status(alice_api, verb, status):
    processor = make_processor()
    response = alice_api.post(f"/api/processors/{processor.pk}/{verb}/")
    assert response.status_code == 200
    assert response.json()["requested_status"] == status
    assert Log.objects.filter(oid=str(processor.pk), text=f"asked processor {processor.name} to {verb}").exists()


def test_lists_filter_by_name_search_and_order(alice_api):
    for name in ("beta", "alpha", "alphabet"):
        make_processor(name=name)
    def names(**q):
        return [p["name"] for p in alice_api.get("/api/processors/", q).json()["results"]]
    assert names(name="alpha") == ["alpha"]
    assert names(search="ALPHA") == ["alpha", "alphabet"]
    assert names(ordering="-name") == ["beta", "alphabet", "alpha"]
    page = alice_api.get("/api/processors/", {"rows": 2, "page": 2}).json()
    assert (page["count"], [p["name"] for p in page["results"]]) == (3, ["beta"])
