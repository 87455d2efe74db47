"""The rights matrix: for every endpoint, a user holding exactly the right it declares
succeeds; a user without it (holding every other right of the same viewset) gets 403; a
user whose role grants it but who has it revoked gets 403. The endpoints that grant, remove
or revoke rights (ADD_QUEUE in their recipes) also need the holder to hold that right: no
right escalates (tests/accounts/test_escalation.py)."""

from __future__ import annotations

import pytest

from tests.api.endpoints import (
    NOT_IN_MATRIX,
    PERMISSION_ONLY,
    api_endpoints,
    has_recipe,
    prepare,
)
from tests.fixtures.api import make_user

pytestmark = pytest.mark.django_db

ENDPOINTS = [e for e in api_endpoints() if e.basename not in NOT_IN_MATRIX]


def test_every_endpoint_has_a_recipe():
    missing = [str(e) for e in ENDPOINTS if not has_recipe(e)]
    assert missing == [], "add them to tests/api/endpoints.py"


def _granted_right(endpoint) -> tuple[str, ...]:
    return ("ADD_QUEUE",) if endpoint.action.startswith(("privilege_", "rights_")) else ()


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_exactly_the_declared_right_is_needed(endpoint, api_as):
    call = prepare(endpoint)
    holder = make_user(endpoint.right, *_granted_right(endpoint))
    without = make_user(*(r for r in endpoint.siblings if r not in ("PUBLIC", "AUTHENTICATED")))
    revoked = make_user(role_rights=(endpoint.right,), revoked=(endpoint.right,))

    for user in (without, revoked):
        response = getattr(api_as(user), endpoint.method)(call.url, call.body, format="json")
        assert response.status_code == 403, (user.username, response.content[:300])
        assert response.json()["message"] == f"You need the {endpoint.right} right to do this."

    response = getattr(api_as(holder), endpoint.method)(call.url, call.body, format="json")
    if (endpoint.basename, endpoint.action) in PERMISSION_ONLY:
        assert 400 <= response.status_code < 500 and response.status_code not in (401, 403), response.content[:500]
    else:
        assert response.status_code < 300, response.content[:500]

