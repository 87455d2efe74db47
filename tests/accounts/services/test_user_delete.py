import pytest

from apps.accounts.models import User
from apps.accounts.services import user_delete
from apps.core.errors import Conflict

pytestmark = pytest.mark.django_db


def test_it_deletes_and_the_audit_entry_stays(alice, bob, audit_log):
    user_delete(user=bob, by=alice)
    assert not User.objects.filter(username="bob").exists()
    assert audit_log() == [("alice", "deleted user bob")]


def test_nobody_deletes_themselves(alice):
    with pytest.raises(Conflict):
        user_delete(user=alice, by=alice)
