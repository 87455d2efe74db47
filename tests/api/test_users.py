"""The users endpoints: create, password, deactivation, privileges, revocations, roles, rights."""

from __future__ import annotations

import pytest

from apps.accounts.models import Role, User
from apps.core.models import Log
from tests.fixtures.api import make_user

pytestmark = pytest.mark.django_db


def test_creating_a_user_hashes_the_password_and_never_returns_it(alice_api):
    response = alice_api.post("/api/users/",
                              {"username": "joe", "email": "joe@xyz.example", "password": "twelve chars!"},
                              format="json")
    assert response.status_code == 201
    assert "password" not in response.json() and response.json()["username"] == "joe"
    assert User.objects.get(username="joe").check_password("twelve chars!")


def test_a_weak_password_is_a_400_on_the_password_field(alice_api):
    response = alice_api.post("/api/users/", {"username": "joe", "password": "123"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["detail"]


def test_set_password_and_deactivate(alice_api, bob):
    url = f"/api/users/{bob.pk}/"
    assert alice_api.post(url + "set_password/", {"password": "brand new secret"}, format="json").status_code == 200
    assert User.objects.get(pk=bob.pk).check_password("brand new secret")
    response = alice_api.post(url + "deactivate/")
    assert response.status_code == 200 and response.json()["is_active"] is False


def test_deactivating_yourself_is_a_409(alice_api, alice):
    assert alice_api.post(f"/api/users/{alice.pk}/deactivate/").status_code == 409


def test_grant_revoke_and_explain(alice_api, bob):
    url = f"/api/users/{bob.pk}/"
    Role.objects.create(name="developer")
    assert alice_api.post(url + "privileges/", {"right": "LS_QUEUES"}, format="json").status_code == 201
    assert alice_api.post(url + "roles/", {"role": "developer"}, format="json").json()["roles"] == ["developer"]
    alice_api.post(f"/api/roles/{Role.objects.get().pk}/privileges/", {"right": "ADD_QUEUE"}, format="json")
    response = alice_api.post(url + "revoked/", {"right": "ADD_QUEUE"}, format="json")
    assert response.status_code == 201
    rights = {row["right"]: row for row in alice_api.get(url + "rights/").json()}
    assert rights["LS_QUEUES"] == {"right": "LS_QUEUES", "sources": ["direct"], "effective": True}
    assert rights["ADD_QUEUE"] == {"right": "ADD_QUEUE", "sources": ["role:developer", "revoked"], "effective": False}

    assert alice_api.delete(url + "revoked/ADD_QUEUE/").status_code == 204
    assert alice_api.delete(url + "privileges/LS_QUEUES/").status_code == 204
    assert alice_api.delete(url + "roles/developer/").status_code == 204
    assert alice_api.get(url + "rights/").json() == []


def test_unknown_rights_and_roles(alice_api, bob):
    url = f"/api/users/{bob.pk}/"
    response = alice_api.post(url + "privileges/", {"right": "FLY"}, format="json")
    assert response.status_code == 400 and "right" in response.json()["detail"]
    assert alice_api.delete(url + "privileges/FLY/").status_code == 404
    assert alice_api.delete(url + "privileges/ADD_QUEUE/").status_code == 404
    assert alice_api.delete(url + "roles/nope/").status_code == 404
    assert alice_api.post(url + "roles/", {"role": "nope"}, format="json").status_code == 400


def test_granting_twice_is_a_409(alice_api, bob):
    url = f"/api/users/{bob.pk}/privileges/"
    alice_api.post(url, {"right": "LS_QUEUES"}, format="json")
    assert alice_api.post(url, {"right": "LS_QUEUES"}, format="json").status_code == 409


def test_changes_to_users_roles_and_privileges_are_audited_with_who(api_as):
    admin = make_user("ADD_USER", "ADD_ROLE", "ADD_PRIVILEGE", "UPDATE_USER", "UPDATE_PRIVILEGE",
                      "ADD_PROCESSOR", username="admin2")
    client = api_as(admin)
    user = client.post("/api/users/", {"username": "joe", "password": "twelve chars!"}, format="json").json()
    role = client.post("/api/roles/", {"name": "developer"}, format="json").json()
    client.post(f"/api/roles/{role['id']}/privileges/", {"right": "ADD_PROCESSOR"}, format="json")
    client.post(f"/api/users/{user['id']}/roles/", {"role": "developer"}, format="json")
    client.post(f"/api/users/{user['id']}/revoked/", {"right": "ADD_PROCESSOR"}, format="json")
    entries = list(Log.objects.filter(user=admin).order_by("created").values_list("text", flat=True))
    assert entries == [
        "created user joe",
        "created role developer",
        "granted privilege ADD_PROCESSOR to role developer",
        "gave role developer to user joe",
        "revoked privilege ADD_PROCESSOR from user joe",
    ]
