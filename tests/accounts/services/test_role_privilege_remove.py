import pytest

from apps.accounts.models import Role
from apps.accounts.services import role_privilege_grant, role_privilege_remove
from apps.core.errors import NotFound

pytestmark = pytest.mark.django_db


def test_it_removes_the_right_from_the_role(alice, audit_log):
    role = Role.objects.create(name="developer")
    role_privilege_grant(role=role, right="ADD_PROCESSOR", by=alice)
    role_privilege_remove(role=role, right="ADD_PROCESSOR", by=alice)
    assert not role.privileges.exists()
    assert audit_log()[-1] == ("alice", "removed privilege ADD_PROCESSOR from role developer")
    with pytest.raises(NotFound):
        role_privilege_remove(role=role, right="ADD_PROCESSOR", by=alice)
