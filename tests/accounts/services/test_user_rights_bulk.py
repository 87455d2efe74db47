"""Granting, removing, revoking and un-revoking many rights of a user in one request."""

import pytest

from apps.accounts.models import User
from apps.accounts.selectors import user_rights
from apps.accounts.services import user_rights_bulk
from apps.core.errors import BadRequest, Forbidden
from tests.fixtures.api import make_user

pytestmark = pytest.mark.django_db


def _rights(user: User) -> frozenset[str]:
    return user_rights(User.objects.get(pk=user.pk))


def test_it_grants_every_right_named_in_one_step_and_audits_once(alice, bob, audit_log):
    result = user_rights_bulk(user=bob, operation="grant", rights=["LS_PROCESSORS", "ADD_PROCESSOR"], by=alice)
    assert (result.changed, result.unchanged) == (["ADD_PROCESSOR", "LS_PROCESSORS"], [])
    assert _rights(bob) == {"ADD_PROCESSOR", "LS_PROCESSORS"}
    assert audit_log() == [("alice", "bulk grant for user bob: ADD_PROCESSOR, LS_PROCESSORS")]


def test_granting_what_is_held_already_is_reported_unchanged_not_refused(alice, bob):
    user_rights_bulk(user=bob, operation="grant", rights=["LS_QUEUES"], by=alice)
    again = user_rights_bulk(user=bob, operation="grant", rights=["LS_QUEUES", "READ_QUEUE"], by=alice)
    assert (again.changed, again.unchanged) == (["READ_QUEUE"], ["LS_QUEUES"])


def test_remove_revoke_and_unrevoke_change_only_what_they_name(alice):
    carol = make_user("LS_QUEUES", "READ_QUEUE", "ADD_QUEUE")
    removed = user_rights_bulk(user=carol, operation="remove", rights=["READ_QUEUE", "ADD_QUEUE", "LS_NODES"], by=alice)
    assert (removed.changed, removed.unchanged) == (["ADD_QUEUE", "READ_QUEUE"], ["LS_NODES"])
    user_rights_bulk(user=carol, operation="revoke", rights=["LS_QUEUES", "LS_NODES"], by=alice)
    assert _rights(carol) == frozenset()
    user_rights_bulk(user=carol, operation="unrevoke", rights=["LS_QUEUES"], by=alice)
    assert _rights(carol) == {"LS_QUEUES"}


def test_a_granter_holding_add_privilege_but_not_all_is_refused_whole_naming_what_it_lacks(bob):
    mallory = make_user("ADD_PRIVILEGE", "LS_QUEUES", "READ_QUEUE")
    with pytest.raises(Forbidden) as refused:
        user_rights_bulk(user=bob, operation="grant", by=mallory,
                         rights=["LS_QUEUES", "READ_QUEUE", "DELETE_QUEUE", "ALL", "ATTACH_SECRET"])
    assert refused.value.message == ("You cannot grant a right you do not hold yourself: "
                                     "ALL, ATTACH_SECRET, DELETE_QUEUE.")
    assert refused.value.detail == {"missing_rights": ["ALL", "ATTACH_SECRET", "DELETE_QUEUE"]}
    assert _rights(bob) == frozenset(), "nothing granted, not even the rights mallory holds"


def test_a_granter_cannot_grant_itself_more_in_bulk():
    mallory = make_user("ADD_PRIVILEGE", "LS_USERS")
    with pytest.raises(Forbidden):
        user_rights_bulk(user=mallory, operation="grant", rights=["LS_USERS", "UPDATE_USER"], by=mallory)
    assert _rights(mallory) == {"ADD_PRIVILEGE", "LS_USERS"}


def test_holding_all_with_one_right_revoked_is_not_enough_to_grant_all(bob):
    almost = make_user("ALL", revoked=("DB_DROP",))
    with pytest.raises(Forbidden) as refused:
        user_rights_bulk(user=bob, operation="grant", rights=["ALL", "LS_QUEUES"], by=almost)
    assert refused.value.detail == {"missing_rights": ["ALL"]}


def test_revoking_in_bulk_needs_every_right_too(alice):
    target = make_user("LS_QUEUES")
    mallory = make_user("UPDATE_PRIVILEGE", "LS_QUEUES")
    with pytest.raises(Forbidden):
        user_rights_bulk(user=target, operation="revoke", rights=["LS_QUEUES", "DB_DROP"], by=mallory)
    assert _rights(target) == {"LS_QUEUES"}


def test_a_user_holding_more_than_the_actor_is_out_of_reach(bob):
    boss = make_user("ADD_PRIVILEGE", "LS_QUEUES", "DEPLOY_FLOW")
    mallory = make_user("ADD_PRIVILEGE", "LS_QUEUES")
    with pytest.raises(Forbidden) as refused:
        user_rights_bulk(user=boss, operation="remove", rights=["LS_QUEUES"], by=mallory)
    assert "DEPLOY_FLOW" in refused.value.message
    assert _rights(boss) == {"ADD_PRIVILEGE", "LS_QUEUES", "DEPLOY_FLOW"}


def test_unknown_rights_and_empty_lists_are_bad_input_naming_them(alice, bob):
    with pytest.raises(BadRequest) as unknown:
        user_rights_bulk(user=bob, operation="grant", rights=["LS_QUEUES", "FLY", "SWIM"], by=alice)
    assert unknown.value.message == "Not rights: 'FLY', 'SWIM'."
    with pytest.raises(BadRequest):
        user_rights_bulk(user=bob, operation="grant", rights=[], by=alice)
    with pytest.raises(BadRequest) as operation:
        user_rights_bulk(user=bob, operation="steal", rights=["LS_QUEUES"], by=alice)
    assert "grant, remove, revoke, unrevoke" in operation.value.message
    assert _rights(bob) == frozenset()
