import pytest

from apps.accounts.services import user_update
from apps.core.errors import BadRequest

pytestmark = pytest.mark.django_db


def test_it_changes_contact_fields_and_audits(alice, bob, audit_log):
    user_update(user=bob, by=alice, fields={"email": "robert@example.com", "first_name": "Robert"})
    bob.refresh_from_db()
    assert (bob.email, bob.first_name) == ("robert@example.com", "Robert")
    assert audit_log() == [("alice", "updated email, first_name of user bob")]


def test_it_refuses_fields_that_are_not_its_own(alice, bob):
    with pytest.raises(BadRequest):
        user_update(user=bob, by=alice, fields={"is_superuser": True})
