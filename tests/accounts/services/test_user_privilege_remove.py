import pytest

from apps.accounts.models import User
from apps.accounts.selectors import user_has_right
from apps.accounts.services import user_privilege_grant, user_privilege_remove
from apps.core.errors import NotFound

pytestmark = pytest.mark.django_db


def test_it_removes_a_direct_privilege(alice, bob, audit_log):
    user_privilege_grant(user=bob, right="ADD_QUEUE", by=alice)
    user_privilege_remove(user=bob, right="ADD_QUEUE", by=alice)
    assert not user_has_right(User.objects.get(pk=bob.pk), "ADD_QUEUE")
    assert audit_log()[-1] == ("alice", "removed privilege ADD_QUEUE from user bob")


def test_removing_what_is_not_there_is_not_found(alice, bob):
    with pytest.raises(NotFound):
        user_privilege_remove(user=bob, right="ADD_QUEUE", by=alice)
