import pytest

from apps.accounts.models import User
from apps.accounts.selectors import user_has_right
from apps.accounts.services import user_privilege_unrevoke
from apps.core.errors import NotFound
from tests.fixtures.api import make_user

pytestmark = pytest.mark.django_db


def test_lifting_a_revocation_gives_the_role_right_back(alice, audit_log):
    dave = make_user(role_rights=("ADD_PROCESSOR",), revoked=("ADD_PROCESSOR",), username="dave")
    user_privilege_unrevoke(user=dave, right="ADD_PROCESSOR", by=alice)
    assert user_has_right(User.objects.get(pk=dave.pk), "ADD_PROCESSOR")
    assert audit_log()[-1] == ("alice", "un-revoked privilege ADD_PROCESSOR of user dave")


def test_lifting_what_is_not_revoked_is_not_found(alice, bob):
    with pytest.raises(NotFound):
        user_privilege_unrevoke(user=bob, right="ADD_PROCESSOR", by=alice)
