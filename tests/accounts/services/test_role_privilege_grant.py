import pytest

from apps.accounts.models import Role
from apps.accounts.services import role_privilege_grant
from apps.core.errors import BadRequest, Conflict

pytestmark = pytest.mark.django_db


def test_it_grants_a_right_to_the_role(alice, audit_log):
    role = Role.objects.create(name="developer")
    role_privilege_grant(role=role, right="ADD_PROCESSOR", by=alice)
    assert list(role.privileges.values_list("right", flat=True)) == ["ADD_PROCESSOR"]
    assert audit_log() == [("alice", "granted privilege ADD_PROCESSOR to role developer")]


def test_it_refuses_unknown_rights_and_duplicates(alice):
    role = Role.objects.create(name="developer")
    with pytest.raises(BadRequest):
        role_privilege_grant(role=role, right="FLY", by=alice)
    role_privilege_grant(role=role, right="ADD_PROCESSOR", by=alice)
    with pytest.raises(Conflict):
        role_privilege_grant(role=role, right="ADD_PROCESSOR", by=alice)
