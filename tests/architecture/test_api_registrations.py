"""One registration per API prefix: every prefix of the one router is registered once (an
app adding verbs to another's resource extends that viewset, it does not register the
prefix again), ``GET /api/`` lists every resource, and the schema describes real paths
only (no catch-all)."""

from __future__ import annotations

from collections import Counter

import pytest
from drf_spectacular.generators import SchemaGenerator

from flowsite.api_urls import router

# Addresses under /api/ that are not resources: the schema, its docs page, the root itself.
NOT_RESOURCES = {"schema", "docs"}


def test_every_prefix_is_registered_once():
    counts = Counter(prefix for prefix, _viewset, _basename in router.registry)
    assert [prefix for prefix, times in counts.items() if times > 1] == []


def _schema_paths() -> list[str]:
    return sorted(SchemaGenerator().get_schema(request=None, public=True)["paths"])


def test_the_schema_has_no_catch_all_path():
    """A path the router or a regex route made that no client can call (``/api/./``) misleads
    every generated client."""
    odd = [path for path in _schema_paths() if not path.startswith("/api/") or any(c in path for c in ".*^$()")]
    assert odd == []


@pytest.mark.django_db
def test_the_api_root_lists_every_resource(alice_api):
    listed = alice_api.get("/api/").json()
    assert sorted(listed) == sorted(set(listed))
    resources = {path.split("/")[2] for path in _schema_paths()} - NOT_RESOURCES
    roots = {key.split("/")[0] for key in listed}
    assert sorted(resources - roots) == []
    for prefix, _viewset, _basename in router.registry:
        assert prefix in roots, f"GET /api/ leaves out {prefix}"
    for key, url in listed.items():
        assert url.endswith(f"/api/{key}/")
