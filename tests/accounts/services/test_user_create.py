import pytest
from django.core.exceptions import ValidationError

from apps.accounts.selectors import user_rights
from apps.accounts.services import user_create
from apps.core.errors import BadRequest

pytestmark = pytest.mark.django_db


def test_it_creates_an_active_user_with_a_hashed_password_and_no_rights(alice, audit_log):
    user = user_create(by=alice, username="joe", email="joe@xyz.example", password="twelve chars!")
    assert user.is_active and user.owner == alice
    assert user.password != "twelve chars!" and user.check_password("twelve chars!")
    assert user_rights(user) == frozenset()
    assert audit_log() == [("alice", "created user joe")]


def test_it_validates_the_password(alice):
    with pytest.raises(BadRequest) as error:
        user_create(by=alice, username="joe", password="12345")
    assert "password" in error.value.detail


def test_it_rejects_a_taken_username_as_a_duplicate(alice):
    with pytest.raises(ValidationError) as error:
        user_create(by=alice, username="alice", password="twelve chars!")
    assert error.value.error_dict["username"][0].code == "unique"
