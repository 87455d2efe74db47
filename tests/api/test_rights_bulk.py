"""Bulk rights through the REST API, tried as the attacker: one service, the same refusals
as the admin pages and the CLI (tests/web/test_admin_pages.py, tests/cli/test_rights_bulk_cli.py)."""

from __future__ import annotations

import pytest

from apps.accounts.models import Role, User
from apps.accounts.selectors import user_rights
from tests.fixtures.api import make_user

pytestmark = pytest.mark.django_db


def _rights(user: User) -> frozenset[str]:
    return user_rights(User.objects.get(pk=user.pk))


def test_a_granter_without_all_cannot_slip_one_right_it_lacks_into_a_bulk_grant(api_as, bob):
    mallory = make_user("ADD_PRIVILEGE", "LS_PROCESSORS", "READ_PROCESSOR")
    response = api_as(mallory).post(f"/api/users/{bob.pk}/rights/grant/",
                                    {"rights": ["LS_PROCESSORS", "READ_PROCESSOR", "ATTACH_SECRET"]}, format="json")
    assert response.status_code == 403, response.content
    body = response.json()
    assert body["message"] == "You cannot grant a right you do not hold yourself: ATTACH_SECRET."
    assert body["detail"] == {"missing_rights": ["ATTACH_SECRET"]}
    assert _rights(bob) == frozenset()


def test_a_granter_cannot_bulk_grant_itself_all_or_a_role_more(api_as):
    mallory = make_user("ADD_PRIVILEGE", "LS_USERS")
    client = api_as(mallory)
    own = client.post(f"/api/users/{mallory.pk}/rights/grant/", {"rights": ["ALL"]}, format="json")
    assert own.status_code == 403 and own.json()["detail"] == {"missing_rights": ["ALL"]}
    role = Role.objects.create(name="mine")
    mallory.roles.add(role)
    via_role = client.post(f"/api/roles/{role.pk}/rights/grant/", {"rights": ["LS_USERS", "DELETE_USER"]},
                           format="json")
    assert via_role.status_code == 403 and "DELETE_USER" in via_role.json()["message"]
    assert _rights(mallory) == {"ADD_PRIVILEGE", "LS_USERS"}


def test_a_bulk_grant_changes_all_and_answers_the_rights_after_it(api_as, alice, bob):
    response = api_as(alice).post(f"/api/users/{bob.pk}/rights/grant/",
                                  {"rights": ["LS_QUEUES", "READ_QUEUE"]}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["operation"], body["changed"], body["unchanged"]) == ("grant", ["LS_QUEUES", "READ_QUEUE"], [])
    assert [row["right"] for row in body["rights"]] == ["LS_QUEUES", "READ_QUEUE"]
    revoked = api_as(alice).post(f"/api/users/{bob.pk}/rights/revoke/", {"rights": ["LS_QUEUES"]}, format="json")
    assert revoked.status_code == 200 and _rights(bob) == {"READ_QUEUE"}


def test_bad_bulk_input_is_a_400_naming_the_problem(api_as, alice, bob):
    client = api_as(alice)
    unknown = client.post(f"/api/users/{bob.pk}/rights/grant/", {"rights": ["LS_QUEUES", "FLY"]}, format="json")
    assert unknown.status_code == 400 and unknown.json()["message"] == "Not rights: 'FLY'."
    empty = client.post(f"/api/users/{bob.pk}/rights/grant/", {"rights": []}, format="json")
    assert empty.status_code == 400
    not_a_list = client.post(f"/api/users/{bob.pk}/rights/grant/", {"rights": "LS_QUEUES"}, format="json")
    assert not_a_list.status_code == 400
    role = Role.objects.create(name="r")
    assert client.post(f"/api/roles/{role.pk}/rights/revoke/", {"rights": ["LS_QUEUES"]},
                       format="json").status_code == 404
    assert _rights(bob) == frozenset()


def test_the_catalog_lists_every_right_once_with_a_description(api_as):
    from apps.accounts.rights import ALL_RIGHTS

    response = api_as(make_user("LS_PRIVILEGES")).get("/api/privileges/catalog/")
    assert response.status_code == 200
    groups = response.json()
    rights = [row["right"] for group in groups for row in group["rights"]]
    assert sorted(rights) == sorted(ALL_RIGHTS)
    assert all(row["description"].endswith(".") for group in groups for row in group["rights"])
    processor = next(group for group in groups if group["key"] == "PROCESSOR")
    assert processor["title"] == "Processor"
    assert {"right": "LS_PROCESSORS", "object": "PROCESSOR", "description": "List processors."} in processor["rights"]
