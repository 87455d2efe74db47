import pytest
from rest_framework.exceptions import AuthenticationFailed

from apps.accounts.authentication import token_user
from apps.accounts.services import token_create, token_revoke

pytestmark = pytest.mark.django_db


def test_a_revoked_token_no_longer_authenticates(bob, audit_log):
    token, raw = token_create(user=bob, by=bob)
    token_revoke(token=token, by=bob)
    with pytest.raises(AuthenticationFailed):
        token_user(raw)
    assert audit_log()[-1][1].startswith("revoked API token 'cli'")
