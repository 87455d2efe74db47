"""No right escalates: attackers holding one account right try to climb through every door.

Each persona holds only the right it abuses (plus what the door needs to be reached) and
tries to take the superuser's account, or to give itself more than it holds, through the API,
the admin pages and the Django admin. Every attempt is refused and changes nothing.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.accounts.models import Role, RolePrivilege, User
from apps.accounts.selectors import user_rights
from tests.fixtures.api import make_user, privilege
from tests.fixtures.people import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "an entirely new passphrase"


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


@pytest.fixture
def role_all() -> Role:
    role = Role.objects.create(name="everything")
    RolePrivilege.objects.create(role=role, privilege=privilege("ALL"))
    return role


# --- UPDATE_USER against the superuser ----------------------------------------------------

def test_update_user_cannot_reset_the_superusers_password(alice):
    mallory = make_user("UPDATE_USER")
    response = api(mallory).post(f"/api/users/{alice.pk}/set_password/", {"password": NEW}, format="json")
    assert response.status_code == 403, response.content
    assert "superuser" in response.json()["message"]
    assert _fresh(alice).check_password(PASSWORD)
    assert not APIClient().login(username="alice", password=NEW)


def test_update_user_cannot_change_or_deactivate_the_superuser(alice):
    mallory = make_user("UPDATE_USER")
    client = api(mallory)
    assert client.patch(f"/api/users/{alice.pk}/", {"email": "mallory@evil.example"}, format="json").status_code == 403
    assert client.post(f"/api/users/{alice.pk}/deactivate/").status_code == 403
    alice = _fresh(alice)
    assert alice.email == "alice@example.com" and alice.is_active


def test_delete_user_cannot_delete_the_superuser(alice):
    mallory = make_user("DELETE_USER")
    assert api(mallory).delete(f"/api/users/{alice.pk}/").status_code == 403
    assert User.objects.filter(pk=alice.pk).exists()


def test_update_user_cannot_take_over_a_user_holding_more_rights():
    mallory = make_user("UPDATE_USER")
    operator = make_user("UPDATE_USER", "DEPLOY_FLOW")
    response = api(mallory).post(f"/api/users/{operator.pk}/set_password/", {"password": NEW}, format="json")
    assert response.status_code == 403
    assert "DEPLOY_FLOW" in response.json()["message"]
    assert _fresh(operator).check_password(PASSWORD)


def test_a_deactivated_user_keeps_their_rights_in_the_check():
    mallory = make_user("UPDATE_USER")
    sleeper = make_user("ALL", is_active=False)
    response = api(mallory).post(f"/api/users/{sleeper.pk}/set_password/", {"password": NEW}, format="json")
    assert response.status_code == 403
    assert _fresh(sleeper).check_password(PASSWORD)


def test_update_user_still_manages_users_holding_less():
    manager = make_user("UPDATE_USER", "LS_QUEUES")
    clerk = make_user("LS_QUEUES")
    response = api(manager).post(f"/api/users/{clerk.pk}/set_password/", {"password": NEW}, format="json")
    assert response.status_code == 200, response.content
    assert _fresh(clerk).check_password(NEW)


def test_the_superuser_manages_everybody(alice):
    other_admin = make_user(is_superuser=True)
    response = api(alice).post(f"/api/users/{other_admin.pk}/set_password/", {"password": NEW}, format="json")
    assert response.status_code == 200


# --- granting above one's own level --------------------------------------------------------

def test_update_user_cannot_give_itself_a_role_holding_all(role_all):
    mallory = make_user("UPDATE_USER")
    response = api(mallory).post(f"/api/users/{mallory.pk}/roles/", {"role": "everything"}, format="json")
    assert response.status_code == 403, response.content
    assert "ALL" in response.json()["message"]
    assert not _fresh(mallory).roles.exists()


@pytest.mark.parametrize("right", ["ALL", "UPDATE_USER", "DEPLOY_FLOW"])
def test_add_privilege_cannot_grant_a_right_it_lacks(right):
    mallory = make_user("ADD_PRIVILEGE")
    response = api(mallory).post(f"/api/users/{mallory.pk}/privileges/", {"right": right}, format="json")
    assert response.status_code == 403, response.content
    assert user_rights(_fresh(mallory)) == {"ADD_PRIVILEGE"}


def test_add_privilege_cannot_grant_to_a_role_it_belongs_to():
    mallory = make_user("ADD_PRIVILEGE", "UPDATE_USER")
    role = Role.objects.create(name="empty")
    client = api(mallory)
    assert client.post(f"/api/users/{mallory.pk}/roles/", {"role": "empty"}, format="json").status_code == 201
    assert client.post(f"/api/roles/{role.pk}/privileges/", {"right": "ALL"}, format="json").status_code == 403
    assert user_rights(_fresh(mallory)) == {"ADD_PRIVILEGE", "UPDATE_USER"}


def test_a_right_held_can_be_granted():
    lead = make_user("ADD_PRIVILEGE", "LS_QUEUES")
    newcomer = make_user()
    response = api(lead).post(f"/api/users/{newcomer.pk}/privileges/", {"right": "LS_QUEUES"}, format="json")
    assert response.status_code == 201
    assert user_rights(_fresh(newcomer)) == {"LS_QUEUES"}


def test_nobody_revokes_or_unrevokes_a_right_they_lack():
    mallory = make_user("UPDATE_PRIVILEGE")
    victim = make_user("LS_QUEUES", revoked=("DEPLOY_FLOW",))
    client = api(mallory)
    assert client.post(f"/api/users/{victim.pk}/revoked/", {"right": "LS_QUEUES"}, format="json").status_code == 403
    assert client.delete(f"/api/users/{victim.pk}/revoked/DEPLOY_FLOW/").status_code == 403
    assert _fresh(victim).revoked.get().right == "DEPLOY_FLOW"


def test_nobody_removes_a_right_they_lack():
    mallory = make_user("DELETE_PRIVILEGE")
    victim = make_user("LS_QUEUES")
    assert api(mallory).delete(f"/api/users/{victim.pk}/privileges/LS_QUEUES/").status_code == 403
    assert user_rights(_fresh(victim)) == {"LS_QUEUES"}


def test_nobody_disables_or_deletes_a_role_granting_rights_they_lack(role_all):
    mallory = make_user("UPDATE_ROLE", "DELETE_ROLE")
    client = api(mallory)
    assert client.patch(f"/api/roles/{role_all.pk}/", {"enabled": False}, format="json").status_code == 403
    assert client.delete(f"/api/roles/{role_all.pk}/").status_code == 403
    assert Role.objects.get(pk=role_all.pk).enabled


# --- one's own password --------------------------------------------------------------------

def test_your_own_password_needs_the_current_one():
    user = make_user("UPDATE_USER")
    client = api(user)
    missing = client.post(f"/api/users/{user.pk}/set_password/", {"password": NEW}, format="json")
    assert missing.status_code == 400 and "current_password" in missing.json()["detail"]
    wrong = client.post(f"/api/users/{user.pk}/set_password/",
                        {"password": NEW, "current_password": "not it at all"}, format="json")
    assert wrong.status_code == 403
    assert _fresh(user).check_password(PASSWORD)
    right = client.post(f"/api/users/{user.pk}/set_password/",
                        {"password": NEW, "current_password": PASSWORD}, format="json")
    assert right.status_code == 200
    assert _fresh(user).check_password(NEW)


# --- the admin pages ---------------------------------------------------------------------

def _page_client(client, user: User):
    client.force_login(user)
    return client


def test_the_admin_pages_refuse_the_same_escalations(client, alice, role_all):
    mallory = make_user("LS_USERS", "READ_USER", "UPDATE_USER", "ADD_PRIVILEGE")
    pages = _page_client(client, mallory)
    admin_page = f"/admin/users/{alice.pk}/"
    own_page = f"/admin/users/{mallory.pk}/"
    reset = pages.post(admin_page, {"action": "set_password", "password": NEW})
    assert reset.status_code == 403, reset.status_code
    assert b"superuser" in reset.content
    assert pages.post(admin_page, {"action": "deactivate"}).status_code == 403
    assert pages.post(own_page, {"action": "add_role", "role": "everything"}).status_code == 403
    assert pages.post(own_page, {"action": "grant", "rights": "ALL"}).status_code == 403
    alice = _fresh(alice)
    assert alice.check_password(PASSWORD) and alice.is_active
    assert user_rights(_fresh(mallory)) == {"LS_USERS", "READ_USER", "UPDATE_USER", "ADD_PRIVILEGE"}


def test_the_django_admin_is_for_superusers_only(client, alice):
    staff = make_user("ALL", is_staff=True)
    pages = _page_client(client, staff)
    assert pages.get(f"/django-admin/accounts/user/{alice.pk}/change/").status_code == 302
    response = pages.post(f"/django-admin/accounts/user/{alice.pk}/password/",
                          {"password1": NEW, "password2": NEW})
    assert response.status_code == 302 and "/django-admin/login/" in response["Location"]
    assert _fresh(alice).check_password(PASSWORD)
    client.force_login(alice)
    assert client.get(f"/django-admin/accounts/user/{alice.pk}/change/").status_code == 200


def test_the_account_page_changes_your_own_password_with_the_current_one(client):
    user = make_user()
    pages = _page_client(client, user)
    assert b"Change your password" in pages.get("/account/").content
    wrong = pages.post("/account/", {"action": "password", "current_password": "nope", "password": NEW})
    assert wrong.status_code == 403 and b"The current password is wrong." in wrong.content
    done = pages.post("/account/", {"action": "password", "current_password": PASSWORD, "password": NEW})
    assert done.status_code == 302
    assert _fresh(user).check_password(NEW)
    assert pages.get("/account/").status_code == 200, "still logged in after the change"


def test_your_own_password_through_the_api_needs_no_right():
    user = make_user()
    client = api(user)
    wrong = client.post("/api/auth/password/", {"current_password": "nope", "password": NEW}, format="json")
    assert wrong.status_code == 403
    right = client.post("/api/auth/password/", {"current_password": PASSWORD, "password": NEW}, format="json")
    assert right.status_code == 204
    assert _fresh(user).check_password(NEW)
