"""Granting and removing many rights of a role in one request."""

import pytest

from apps.accounts.models import Role
from apps.accounts.services import role_rights_bulk
from apps.core.errors import BadRequest, Forbidden
from tests.fixtures.api import make_user

pytestmark = pytest.mark.django_db


def _granted(role: Role) -> list[str]:
    return sorted(role.privileges.values_list("right", flat=True))


def test_it_grants_and_removes_many_rights(alice):
    role = Role.objects.create(name="developer")
    granted = role_rights_bulk(role=role, operation="grant", rights=["ADD_PROCESSOR", "LS_PROCESSORS"], by=alice)
    assert granted.changed == ["ADD_PROCESSOR", "LS_PROCESSORS"]
    removed = role_rights_bulk(role=role, operation="remove", rights=["ADD_PROCESSOR", "LS_QUEUES"], by=alice)
    assert (removed.changed, removed.unchanged) == (["ADD_PROCESSOR"], ["LS_QUEUES"])
    assert _granted(role) == ["LS_PROCESSORS"]


def test_a_role_is_not_revoked_from(alice):
    role = Role.objects.create(name="developer")
    with pytest.raises(BadRequest):
        role_rights_bulk(role=role, operation="revoke", rights=["LS_QUEUES"], by=alice)


def test_a_granter_lacking_one_right_changes_nothing_on_the_role():
    role = Role.objects.create(name="developer")
    mallory = make_user("ADD_PRIVILEGE", "LS_QUEUES")
    with pytest.raises(Forbidden) as refused:
        role_rights_bulk(role=role, operation="grant", rights=["LS_QUEUES", "UPDATE_USER"], by=mallory)
    assert refused.value.detail == {"missing_rights": ["UPDATE_USER"]}
    assert _granted(role) == []
