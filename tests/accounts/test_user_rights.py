"""Effective rights: direct plus role privileges, minus revoked ones; ALL grants every right."""

from __future__ import annotations

import pytest

from apps.accounts.models import User
from apps.accounts.rights import ALL_RIGHTS
from apps.accounts.selectors import user_has_right, user_rights, user_rights_explained
from tests.fixtures.api import make_user

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # user_rights caches on the instance (one request)


def test_rights_come_from_direct_privileges_and_roles():
    user = make_user("ADD_QUEUE", role_rights=("LS_QUEUES",))
    assert user_rights(fresh(user)) == {"ADD_QUEUE", "LS_QUEUES"}


def test_a_revoked_right_wins_over_a_role_that_grants_it():
    user = make_user(role_rights=("ADD_PROCESSOR", "LS_PROCESSORS"), revoked=("ADD_PROCESSOR",))
    assert user_rights(fresh(user)) == {"LS_PROCESSORS"}


def test_all_grants_every_right_but_a_revoked_one():
    user = make_user("ALL", revoked=("DELETE_USER",))
    rights = user_rights(fresh(user))
    assert rights == set(ALL_RIGHTS) - {"DELETE_USER"}


def test_an_inactive_user_and_an_anonymous_one_have_no_rights():
    user = make_user("ADD_QUEUE", is_active=False)
    assert user_rights(fresh(user)) == frozenset()
    assert user_rights(None) == frozenset()


def test_rights_are_computed_once_per_request(django_assert_num_queries):
    user = fresh(make_user("ADD_QUEUE"))
    user_rights(user)
    with django_assert_num_queries(0):
        assert user_has_right(user, "ADD_QUEUE")
        assert not user_has_right(user, "DELETE_QUEUE")


def test_explained_rights_name_every_source():
    user = make_user("ADD_PROCESSOR", role_rights=("ADD_PROCESSOR", "LS_QUEUES"), revoked=("LS_QUEUES",))
    rows = {row["right"]: row for row in user_rights_explained(user=fresh(user))}
    role = f"role:role-of-{user.username}"
    assert rows["ADD_PROCESSOR"] == {"right": "ADD_PROCESSOR", "sources": ["direct", role], "effective": True}
    assert rows["LS_QUEUES"] == {"right": "LS_QUEUES", "sources": [role, "revoked"], "effective": False}
