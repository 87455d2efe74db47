import pytest

from apps.accounts.models import ApiToken
from apps.accounts.services import token_create, tokens_revoke_all

pytestmark = pytest.mark.django_db


def test_it_revokes_every_live_token_of_the_user_only(alice, bob):
    token_create(user=bob, by=bob)
    token_create(user=bob, by=bob)
    token_create(user=alice, by=alice)
    assert tokens_revoke_all(user=bob, by=alice) == 2
    assert ApiToken.objects.filter(revoked__isnull=True).get().user == alice
