"""The admin pages and the processors page.

In a real browser (Playwright + Debian chromium): an admin creates a role, grants it
ADD_PROCESSOR, gives it to a new user; that user creates a processor from the Processors
page; the admin revokes the right and the user's next try shows the 403 as a clear message.
Without a browser: each page action checks the same right as the API.
"""

from __future__ import annotations

import pytest

from apps.accounts.models import Role, User
from apps.accounts.rights import ALL_RIGHTS
from apps.accounts.selectors import user_rights
from apps.processors.models import Processor, TrustedRepository
from tests.fixtures.api import make_user
from tests.fixtures.people import PASSWORD

# --- page objects -------------------------------------------------------------------------

class LoginPage:
    def __init__(self, page, base_url: str):
        self.page, self.base_url = page, base_url

    def log_in(self, username: str, password: str) -> None:
        self.page.goto(f"{self.base_url}/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Log in").click()
        self.page.get_by_role("navigation", name="Main").wait_for()


class RolesPage:
    def __init__(self, page):
        self.page = page

    def open(self) -> RolesPage:
        self.page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
        self.page.get_by_role("navigation", name="Admin").get_by_role("link", name="Roles").click()
        return self

    def create(self, name: str) -> None:
        self.page.get_by_label("Role name").fill(name)
        self.page.get_by_role("button", name="Create role").click()
        self.page.get_by_role("status").filter(has_text=f"Role {name} created.").wait_for()

    def grant(self, role: str, right: str) -> None:
        self.page.get_by_role("table", name="Roles").get_by_role("link", name=role).click()
        RightsList(self.page).act("Grant selected", [right], f"Granted {right} to the role {role}.")


class RightsList:
    """The bulk rights list of a user's or a role's page."""

    def __init__(self, page):
        self.page = page
        self.search = page.get_by_label("Search rights")

    def tick(self, right: str) -> None:
        self.search.fill(right)
        self.page.get_by_label(right, exact=True).check()

    def act(self, button: str, rights: list[str], done: str) -> None:
        for right in rights:
            self.tick(right)
        self.page.get_by_role("button", name=button).click()
        self.page.get_by_role("status").filter(has_text=done).wait_for()


class UsersPage:
    def __init__(self, page):
        self.page = page

    def open(self) -> UsersPage:
        self.page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
        return self

    def create(self, username: str, password: str) -> None:
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Email").fill(f"{username}@example.com")
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Create user").click()
        self.page.get_by_role("status").filter(has_text=f"User {username} created.").wait_for()

    def user(self, username: str) -> UserPage:
        self.page.get_by_role("table", name="Users").get_by_role("link", name=username).click()
        return UserPage(self.page)


class UserPage:
    def __init__(self, page):
        self.page = page

    def give_role(self, role: str) -> None:
        self.page.get_by_label("Role to give").select_option(role)
        self.page.get_by_role("button", name="Give role").click()
        self.page.get_by_role("status").filter(has_text=f"Gave the role {role}").wait_for()

    def revoke(self, right: str) -> None:
        RightsList(self.page).act("Revoke selected", [right], f"Revoked {right}")

    def effective_row(self, right: str) -> str:
        table = self.page.get_by_role("table", name="Effective rights")
        return table.get_by_role("row").filter(has_text=right).inner_text()


class ProcessorsPage:
    def __init__(self, page):
        self.page = page

    def open(self) -> ProcessorsPage:
        self.page.get_by_role("navigation", name="Main").get_by_role("link", name="Processors").click()
        return self

    def create(self, *, name: str, gitrepo: str, branch: str, module: str):
        self.page.get_by_label("Name").fill(name)
        self.page.get_by_label("Git repository").fill(gitrepo)
        self.page.get_by_label("Branch").fill(branch)
        self.page.get_by_label("Module").fill(module)
        with self.page.expect_response(lambda r: r.request.method == "POST") as answer:
            self.page.get_by_role("button", name="Create processor").click()
        return answer.value


# --- in a real browser -------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_role_grants_add_processor_and_a_revocation_takes_it_back(live_server, browser, page, alice):
    TrustedRepository.objects.create(name="acme", pattern="https://github.com/acme/*")
    LoginPage(page, live_server.url).log_in("alice", PASSWORD)
    roles = RolesPage(page).open()
    roles.create("developer")
    roles.grant("developer", "ADD_PROCESSOR")
    users = UsersPage(page).open()
    users.create("dave", "dave's long password")
    dave_page = users.user("dave")
    dave_page.give_role("developer")
    assert "role developer" in dave_page.effective_row("ADD_PROCESSOR")

    dave_context = browser.new_context()
    try:
        dave = dave_context.new_page()
        dave.set_default_timeout(10_000)
        LoginPage(dave, live_server.url).log_in("dave", "dave's long password")
        assert dave.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").count() == 0
        processors = ProcessorsPage(dave).open()
        answer = processors.create(name="proc1", gitrepo="https://github.com/acme/flows.git",
                                   branch="main", module="pyfi.processors.sample")
        assert answer.status == 302
        dave.get_by_role("status").filter(has_text="Processor proc1 created.").wait_for()
        assert Processor.objects.get(name="proc1").owner.username == "dave"

        dave_page.revoke("ADD_PROCESSOR")
        row = dave_page.effective_row("ADD_PROCESSOR")
        assert "revoked" in row and row.strip().endswith("no")

        answer = processors.create(name="proc2", gitrepo="https://github.com/acme/flows.git",
                                   branch="main", module="pyfi.processors.sample")
        assert answer.status == 403
        alert = dave.get_by_role("alert")
        assert alert.inner_text().strip() == "You need the ADD_PROCESSOR right to do this."
        assert not Processor.objects.filter(name="proc2").exists()
    finally:
        dave_context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_admin_finds_rights_by_searching_and_grants_a_whole_object_at_once(live_server, page, alice, bob):
    LoginPage(page, live_server.url).log_in("alice", PASSWORD)
    page.goto(f"{live_server.url}/admin/users/{bob.pk}/")
    rights = RightsList(page)
    grant = page.get_by_role("button", name="Grant selected")
    assert grant.is_disabled(), "nothing selected yet"
    rights.search.fill("socket")
    shown = page.locator("[data-right-row]:visible").count()
    assert 5 <= shown < 20
    assert page.get_by_text(f"{shown} of {len(ALL_RIGHTS)} rights shown").is_visible()
    assert page.get_by_label("LS_SOCKETS", exact=True).is_visible()
    assert not page.get_by_label("LS_QUEUES", exact=True).is_visible(), "filtered out"
    assert page.get_by_text("List sockets.").is_visible(), "each right shows its description"
    page.get_by_label("Socket", exact=True).check()  # the whole object
    rights.tick("DEPLOY_FLOW")
    assert page.get_by_text("6 selected").is_visible()
    grant.click()
    granted = "ADD_SOCKET, DELETE_SOCKET, DEPLOY_FLOW, LS_SOCKETS, READ_SOCKET, UPDATE_SOCKET"
    page.get_by_role("status").filter(has_text=f"Granted {granted} to bob.").wait_for()
    assert user_rights(User.objects.get(pk=bob.pk)) == {
        "ADD_SOCKET", "DELETE_SOCKET", "DEPLOY_FLOW", "LS_SOCKETS", "READ_SOCKET", "UPDATE_SOCKET"}
    rights.search.fill("deploy_flow")
    assert page.locator("#right-DEPLOY_FLOW-state").inner_text().strip() == "direct"


# --- without a browser: each page and action checks the API's right ------------------------

@pytest.mark.django_db
class TestRightsOnPages:
    def test_the_admin_area_needs_ls_users(self, client):
        client.force_login(make_user("READ_USER", "ADD_USER"))
        response = client.get("/admin/")
        assert response.status_code == 403
        assert b"You need the LS_USERS right" in response.content

    def test_creating_a_user_needs_add_user(self, client):
        client.force_login(make_user("LS_USERS"))
        response = client.post("/admin/", {"action": "create", "username": "joe", "password": "twelve chars!"})
        assert response.status_code == 403
        assert b"You need the ADD_USER right to do this." in response.content
        assert not User.objects.filter(username="joe").exists()

    def test_a_bad_password_shows_field_messages(self, client):
        client.force_login(make_user("LS_USERS", "ADD_USER"))
        response = client.post("/admin/", {"action": "create", "username": "joe", "password": "123"})
        assert response.status_code == 400
        assert b'role="alert"' in response.content and b"password:" in response.content

    def test_user_page_actions_map_to_the_api_rights(self, client, bob):
        actor = make_user("LS_USERS", "READ_USER", "UPDATE_PRIVILEGE", "ADD_QUEUE")
        client.force_login(actor)
        url = f"/admin/users/{bob.pk}/"
        assert client.get(url).status_code == 200
        assert client.post(url, {"action": "revoke", "rights": "ADD_QUEUE"}).status_code == 302
        refused = client.post(url, {"action": "grant", "rights": "ADD_QUEUE"})
        assert refused.status_code == 403 and b"You need the ADD_PRIVILEGE right" in refused.content
        assert client.post(url, {"action": "deactivate"}).status_code == 403
        assert list(bob.revoked.values_list("right", flat=True)) == ["ADD_QUEUE"]

    def test_role_pages(self, client):
        client.force_login(make_user("LS_USERS", "LS_ROLES", "ADD_ROLE", "READ_ROLE", "ADD_PRIVILEGE", "ADD_PROCESSOR"))
        assert client.post("/admin/roles/", {"action": "create", "name": "developer"}).status_code == 302
        role = Role.objects.get(name="developer")
        response = client.post(f"/admin/roles/{role.pk}/", {"action": "grant", "rights": "ADD_PROCESSOR"}, follow=True)
        assert b"Granted ADD_PROCESSOR to the role developer." in response.content
        removed = client.post(f"/admin/roles/{role.pk}/", {"action": "remove", "rights": "ADD_PROCESSOR"})
        assert removed.status_code == 403

    def test_a_granter_without_all_cannot_slip_a_right_it_lacks_into_a_bulk_grant(self, client, bob):
        mallory = make_user("LS_USERS", "READ_USER", "ADD_PRIVILEGE", "LS_QUEUES", "READ_QUEUE")
        client.force_login(mallory)
        page = client.get(f"/admin/users/{bob.pk}/").content.decode()
        assert 'value="DB_DROP" id="right-DB_DROP"' in page and "You do not hold it" in page
        refused = client.post(f"/admin/users/{bob.pk}/",
                              {"action": "grant", "rights": ["LS_QUEUES", "READ_QUEUE", "DB_DROP", "ALL"]})
        assert refused.status_code == 403
        assert "You cannot grant a right you do not hold yourself: ALL, DB_DROP." in refused.content.decode()
        assert user_rights(User.objects.get(pk=bob.pk)) == frozenset(), "nothing granted"
        mine = client.post(f"/admin/users/{mallory.pk}/", {"action": "grant", "rights": ["LS_QUEUES", "LS_USERS",
                                                                                         "UPDATE_USER"]})
        assert mine.status_code == 403 and b"UPDATE_USER" in mine.content

    def test_a_bulk_grant_from_the_page_says_what_changed_and_what_was_already_so(self, client, alice, bob):
        client.force_login(alice)
        client.post(f"/admin/users/{bob.pk}/", {"action": "grant", "rights": ["LS_QUEUES"]})
        done = client.post(f"/admin/users/{bob.pk}/", {"action": "grant", "rights": ["LS_QUEUES", "READ_QUEUE"]},
                           follow=True)
        assert "Granted READ_QUEUE to bob. Unchanged (already held): LS_QUEUES." in done.content.decode()
        nothing = client.post(f"/admin/users/{bob.pk}/", {"action": "grant"})
        assert nothing.status_code == 400 and b"Choose at least one right in the list." in nothing.content

    def test_every_form_control_has_a_label(self, client, alice, bob):
        import re

        client.force_login(alice)
        Role.objects.create(name="developer")
        for url in ("/admin/", f"/admin/users/{bob.pk}/", "/admin/roles/", "/admin/repositories/",
                    f"/admin/roles/{Role.objects.get().pk}/", "/processors/"):
            html = client.get(url).content.decode()
            ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', html)
            controls = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*>', html)
            assert len(ids) == len(controls), url
            for control_id in ids:
                assert f'<label for="{control_id}"' in html, (url, control_id)

    def test_trusted_repository_rules_are_added_and_removed_from_a_page(self, client):
        client.force_login(make_user("LS_USERS", "LS_REPOSITORIES", "ADD_REPOSITORY"))
        form = {"action": "create", "name": "acme", "pattern": "https://github.com/acme/*", "kind": "allow"}
        assert client.post("/admin/repositories/", form).status_code == 302
        assert TrustedRepository.objects.get(name="acme").pattern == "https://github.com/acme/*"
        refused = client.post("/admin/repositories/", {"action": "delete", "repository": "acme"})
        assert refused.status_code == 403 and b"DELETE_REPOSITORY" in refused.content

    def test_processors_page_lists_only_with_ls_processors(self, client):
        TrustedRepository.objects.create(name="acme", pattern="https://github.com/acme/*")
        client.force_login(make_user("ADD_PROCESSOR"))
        page = client.get("/processors/")
        assert b"You need the LS_PROCESSORS right" in page.content
        bad = client.post("/processors/", {"action": "create", "name": "p", "gitrepo": "https://evil.example/x.git",
                                           "module": "m"})
        assert bad.status_code == 400 and b"not trusted" in bad.content
