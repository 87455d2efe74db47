import pytest

from apps.accounts.models import Role
from apps.accounts.services import role_update

pytestmark = pytest.mark.django_db


def test_it_renames_and_audits(alice, audit_log):
    role = role_update(role=Role.objects.create(name="dev"), by=alice, fields={"name": "developer"})
    assert Role.objects.get(pk=role.pk).name == "developer"
    assert audit_log() == [("alice", "updated name of role developer")]
