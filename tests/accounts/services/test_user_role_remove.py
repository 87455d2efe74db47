import pytest

from apps.accounts.models import Role
from apps.accounts.services import user_role_remove
from apps.core.errors import NotFound

pytestmark = pytest.mark.django_db


def test_it_takes_the_role_away(alice, bob, audit_log):
    role = Role.objects.create(name="developer")
    bob.roles.add(role)
    user_role_remove(user=bob, role=role, by=alice)
    assert not bob.roles.exists()
    assert audit_log() == [("alice", "took role developer from user bob")]


def test_taking_a_role_the_user_lacks_is_not_found(alice, bob):
    with pytest.raises(NotFound):
        user_role_remove(user=bob, role=Role.objects.create(name="developer"), by=alice)
