import pytest

from apps.accounts.authentication import token_user
from apps.accounts.models import ApiToken, token_digest
from apps.accounts.services import token_create

pytestmark = pytest.mark.django_db


def test_only_the_digest_is_stored_and_the_raw_token_authenticates(bob, audit_log):
    token, raw = token_create(user=bob, by=bob, name="laptop")
    assert raw.startswith("ec_")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == token_digest(raw) and raw not in (stored.digest, stored.prefix)
    assert token_user(raw) == (bob, stored)
    assert audit_log() == [("bob", f"created API token 'laptop' ({raw[:8]}…) for bob")]
