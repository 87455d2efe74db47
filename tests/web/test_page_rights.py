"""The server-rendered pages need the rights of the data they show, not only a login: a
logged-in user holding some other right gets the 403 page naming the right it lacks."""

from __future__ import annotations

import pytest

from tests.factories import make_call, make_processor, make_socket
from tests.fixtures.api import make_user

pytestmark = pytest.mark.django_db

SECRET = "sk-live-the-function-returned-this"


@pytest.fixture
def secret_call():
    processor = make_processor(name="adminproc")
    return make_call(make_socket(processor, name="admin.sock"), result={"token": SECRET},
                     log=f"printed {SECRET}", state="finished")


def page_as(client, user, url: str):
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize(("url", "right"), [
    ("/designer/", "LS_FLOWS"),
    ("/network/", "LS_NODES"),
    ("/calls/", "LS_CALLS"),
    ("/processors/", "LS_PROCESSORS"),
])
def test_a_page_refuses_a_user_without_the_right_of_its_data(client, secret_call, url, right):
    response = page_as(client, make_user("LS_SOCKETS"), url)
    assert response.status_code == 403, response.content[:300]
    assert f"You need the {right} right to see this page." in response.content.decode()
    assert "admin.sock" not in response.content.decode()


@pytest.mark.parametrize(("url", "right"), [
    ("/designer/", "LS_FLOWS"), ("/network/", "LS_NODES"), ("/calls/", "LS_CALLS"), ("/processors/", "LS_PROCESSORS"),
])
def test_the_page_opens_with_its_right(client, secret_call, url, right):
    assert page_as(client, make_user(right), url).status_code == 200


def test_the_processor_page_shows_calls_and_sockets_only_with_their_rights(client, secret_call):
    url = f"/processors/{secret_call.socket.processor_id}/"
    reader = page_as(client, make_user("READ_PROCESSOR"), url).content.decode()
    assert SECRET not in reader and "admin.sock" not in reader
    assert "Recent calls need the LS_CALLS and READ_CALL rights." in reader
    assert "The sockets need the LS_SOCKETS right." in reader
    full = page_as(client, make_user("READ_PROCESSOR", "LS_SOCKETS", "LS_CALLS", "READ_CALL"), url).content.decode()
    assert SECRET in full and "admin.sock" in full


def test_the_navigation_links_only_the_pages_the_user_can_open(client):
    body = page_as(client, make_user("LS_CALLS"), "/").content.decode()
    assert 'href="/calls/"' in body
    for url in ('href="/designer/"', 'href="/network/"', 'href="/processors/"', 'href="/admin/"'):
        assert url not in body, url
    everything = page_as(client, make_user("LS_FLOWS", "LS_NODES", "ADD_PROCESSOR", "LS_USERS"), "/").content.decode()
    for url in ('href="/designer/"', 'href="/network/"', 'href="/processors/"', 'href="/admin/"'):
        assert url in everything, url
