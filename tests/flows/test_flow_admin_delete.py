"""Deleting a flow in the Django admin, alone or as a selection, releases its sockets and
plugs through the flows service, as the API's delete does."""

import pytest

from apps.core.models import Log
from apps.flows.models import Flow
from apps.processors.models import Plug, Socket
from tests.factories import make_plug, make_processor, make_socket

pytestmark = pytest.mark.django_db


def deployed(name: str) -> Flow:
    """A flow owning two sockets joined by a plug, as its deploy leaves them."""
    flow = Flow.objects.create(name=name)
    processor = make_processor()
    source = make_socket(processor, name=f"{name}.echo", flow_key=str(flow.pk))
    target = make_socket(processor, name=f"{name}.say", flow_key=str(flow.pk))
    make_plug(source, target, name=f"{name}:e1", flow_key=str(flow.pk))
    return flow


def released(name: str) -> bool:
    sockets = Socket.objects.filter(name__startswith=f"{name}.")
    return (sockets.count() == 2 and all(s.flow_key == "" and s.flow_version is None for s in sockets)
            and Plug.objects.get(name=f"{name}:e1").flow_key == "")


def test_deleting_a_flow_from_its_admin_page_releases_its_sockets_and_plugs(alice_client, alice):
    flow = deployed("gone")
    response = alice_client.post(f"/django-admin/flows/flow/{flow.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302, response.content
    assert not Flow.objects.filter(pk=flow.pk).exists()
    assert released("gone")
    assert Log.objects.filter(oid=str(flow.pk), user=alice).exists(), "the delete is audited"


def test_deleting_selected_flows_in_the_admin_releases_each_ones_sockets_and_plugs(alice_client):
    flows = [deployed("one"), deployed("two")]
    kept = deployed("kept")
    response = alice_client.post("/django-admin/flows/flow/", {
        "action": "delete_selected", "_selected_action": [str(flow.pk) for flow in flows], "post": "yes"})
    assert response.status_code == 302, response.content
    assert list(Flow.objects.values_list("name", flat=True)) == ["kept"]
    assert released("one") and released("two")
    assert Socket.objects.get(name="kept.echo").flow_key == str(kept.pk)
