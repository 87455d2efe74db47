import pytest

from apps.accounts.models import ApiToken
from apps.accounts.services import token_create, user_set_password
from apps.core.errors import BadRequest

pytestmark = pytest.mark.django_db


def test_it_resets_the_password_revokes_tokens_and_never_logs_it(alice, bob, audit_log):
    token_create(user=bob, by=bob, name="cli")
    user_set_password(user=bob, by=alice, password="a brand new secret")
    bob.refresh_from_db()
    assert bob.check_password("a brand new secret")
    assert not ApiToken.objects.filter(user=bob, revoked__isnull=True).exists()
    assert ("alice", "reset the password of user bob") in audit_log()
    assert all("brand new secret" not in text for _, text in audit_log())


def test_it_validates_the_new_password(alice, bob):
    with pytest.raises(BadRequest):
        user_set_password(user=bob, by=alice, password="short")
