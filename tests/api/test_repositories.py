"""Trusted repositories: CRUD behind their rights, every change audited."""

from __future__ import annotations

import pytest

from apps.core.models import Log

pytestmark = pytest.mark.django_db


def test_every_change_to_a_trusted_repository_is_audited(alice_api, alice):
    created = alice_api.post("/api/repositories/", {"name": "acme", "pattern": "https://github.com/acme/*"},
                             format="json")
    assert created.status_code == 201 and created.json()["kind"] == "allow"
    url = f"/api/repositories/{created.json()['id']}/"
    assert alice_api.patch(url, {"kind": "deny"}, format="json").json()["kind"] == "deny"
    assert alice_api.delete(url).status_code == 204
    rows = Log.objects.filter(discriminator="TrustedRepository").order_by("created")
    assert [(row.user, row.text) for row in rows] == [
        (alice, "created TrustedRepository acme"),
        (alice, "updated kind of acme"),
        (alice, "deleted TrustedRepository acme"),
    ]
    logs = alice_api.get("/api/logs/", {"discriminator": "TrustedRepository"}).json()
    assert logs["count"] == 3 and logs["results"][0]["user"] == "alice"
