import pytest

from apps.accounts.models import User
from apps.accounts.selectors import user_has_right
from apps.accounts.services import user_privilege_revoke
from apps.core.errors import Conflict
from tests.fixtures.api import make_user

pytestmark = pytest.mark.django_db


def test_a_revocation_wins_over_the_role_that_grants_the_right(alice, audit_log):
    dave = make_user(role_rights=("ADD_PROCESSOR",), username="dave")
    user_privilege_revoke(user=dave, right="ADD_PROCESSOR", by=alice)
    assert not user_has_right(User.objects.get(pk=dave.pk), "ADD_PROCESSOR")
    assert audit_log()[-1] == ("alice", "revoked privilege ADD_PROCESSOR from user dave")


def test_revoking_twice_is_a_conflict(alice, bob):
    user_privilege_revoke(user=bob, right="ADD_PROCESSOR", by=alice)
    with pytest.raises(Conflict):
        user_privilege_revoke(user=bob, right="ADD_PROCESSOR", by=alice)
