import pytest

from apps.accounts.models import Role, RolePrivilege, User
from apps.accounts.selectors import user_has_right
from apps.accounts.services import role_delete
from tests.fixtures.api import privilege

pytestmark = pytest.mark.django_db


def test_its_users_lose_the_rights_it_granted(alice, bob, audit_log):
    role = Role.objects.create(name="developer")
    RolePrivilege.objects.create(role=role, privilege=privilege("ADD_PROCESSOR"))
    bob.roles.add(role)
    role_delete(role=role, by=alice)
    assert not user_has_right(User.objects.get(pk=bob.pk), "ADD_PROCESSOR")
    assert audit_log() == [("alice", "deleted role developer")]
