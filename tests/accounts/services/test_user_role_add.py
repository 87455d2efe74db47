import pytest

from apps.accounts.models import Role, RolePrivilege, User
from apps.accounts.selectors import user_has_right
from apps.accounts.services import user_role_add
from apps.core.errors import Conflict
from tests.fixtures.api import privilege

pytestmark = pytest.mark.django_db


@pytest.fixture
def developer():
    role = Role.objects.create(name="developer")
    RolePrivilege.objects.create(role=role, privilege=privilege("ADD_PROCESSOR"))
    return role


def test_a_role_gives_its_rights(alice, bob, developer, audit_log):
    user_role_add(user=bob, role=developer, by=alice)
    assert user_has_right(User.objects.get(pk=bob.pk), "ADD_PROCESSOR")
    assert audit_log() == [("alice", "gave role developer to user bob")]


def test_giving_a_role_twice_is_a_conflict(alice, bob, developer):
    user_role_add(user=bob, role=developer, by=alice)
    with pytest.raises(Conflict):
        user_role_add(user=bob, role=developer, by=alice)
