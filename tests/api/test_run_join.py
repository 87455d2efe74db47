"""``flow task run --run RUN_ID`` and the API's ``run``: a call joins an existing run, so
the specification's join example (emit_one, then emit_two, feeding add_two) can complete."""

from __future__ import annotations

import uuid

import pytest

from apps.calls.models import Call
from tests.factories import make_call, make_socket

pytestmark = pytest.mark.django_db


def test_a_call_joins_the_run_it_names(alice_api):
    first = make_call(make_socket(name="emit_one"), state="finished")
    second = make_socket(name="emit_two")
    response = alice_api.post(f"/api/sockets/{second.pk}/run/", {"args": [None], "run": str(first.tracking)},
                              format="json")
    assert response.status_code == 202, response.content
    assert Call.objects.get(pk=response.json()["id"]).tracking == first.tracking


def test_a_run_that_does_not_exist_is_a_404_naming_it(alice_api):
    socket = make_socket(name="emit_two")
    missing = uuid.uuid4()
    response = alice_api.post(f"/api/sockets/{socket.pk}/run/", {"run": str(missing)}, format="json")
    assert response.status_code == 404
    assert str(missing) in response.json()["message"]
    assert not Call.objects.filter(socket=socket).exists()


def test_without_a_run_each_call_starts_its_own(alice_api):
    first = make_call(make_socket(name="emit_one"))
    response = alice_api.post(f"/api/sockets/{make_socket().pk}/run/", {}, format="json")
    assert Call.objects.get(pk=response.json()["id"]).tracking != first.tracking
