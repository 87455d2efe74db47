import pytest

from apps.accounts.models import ApiToken
from apps.accounts.services import token_create, user_deactivate
from apps.core.errors import Conflict

pytestmark = pytest.mark.django_db


def test_it_deactivates_and_revokes_tokens(alice, bob, audit_log):
    token_create(user=bob, by=bob)
    user_deactivate(user=bob, by=alice)
    bob.refresh_from_db()
    assert not bob.is_active
    assert not ApiToken.objects.filter(user=bob, revoked__isnull=True).exists()
    assert audit_log()[-1] == ("alice", "deactivated user bob")


def test_nobody_deactivates_themselves(alice):
    with pytest.raises(Conflict):
        user_deactivate(user=alice, by=alice)
