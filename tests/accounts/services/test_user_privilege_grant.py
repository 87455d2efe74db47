import pytest

from apps.accounts.models import User
from apps.accounts.selectors import user_has_right
from apps.accounts.services import user_privilege_grant
from apps.core.errors import BadRequest, Conflict

pytestmark = pytest.mark.django_db


def test_it_grants_a_right_recording_who(alice, bob, audit_log):
    row = user_privilege_grant(user=bob, right="ADD_PROCESSOR", by=alice)
    assert row.by == alice
    assert user_has_right(User.objects.get(pk=bob.pk), "ADD_PROCESSOR")
    assert audit_log() == [("alice", "granted privilege ADD_PROCESSOR to user bob")]


def test_an_unknown_right_is_bad_input(alice, bob):
    with pytest.raises(BadRequest) as error:
        user_privilege_grant(user=bob, right="FLY", by=alice)
    assert error.value.detail == {"right": ["'FLY' is not a right."]}


def test_granting_twice_is_a_conflict(alice, bob):
    user_privilege_grant(user=bob, right="ADD_PROCESSOR", by=alice)
    with pytest.raises(Conflict):
        user_privilege_grant(user=bob, right="ADD_PROCESSOR", by=alice)
