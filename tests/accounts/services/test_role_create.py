import pytest
from django.core.exceptions import ValidationError

from apps.accounts.services import role_create

pytestmark = pytest.mark.django_db


def test_it_creates_an_owned_role_and_audits(alice, audit_log):
    role = role_create(by=alice, fields={"name": "developer"})
    assert role.owner == alice
    assert audit_log() == [("alice", "created role developer")]


def test_a_taken_name_is_a_duplicate(alice):
    role_create(by=alice, fields={"name": "developer"})
    with pytest.raises(ValidationError) as error:
        role_create(by=alice, fields={"name": "developer"})
    assert error.value.error_dict["name"][0].code == "unique"
