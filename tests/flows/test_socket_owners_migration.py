"""The data migration that gives sockets and plugs deployed before issue 17 their flow."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from apps.flows.deploy import flow_deploy
from apps.flows.models import Flow, Version
from apps.processors.models import Plug, Socket
from tests.factories import make_plug, make_processor, make_socket, make_task
from tests.flows.test_flow_deploy import edge, node

pytestmark = pytest.mark.django_db

migration = importlib.import_module("apps.flows.migrations.0003_socket_owners")


def deployed(flow: Flow, nodes: list, edges: list = (), *, days_ago: int) -> Version:
    """A version saved ``days_ago`` and deployed, as before flows owned their sockets."""
    number = flow.versions.count() + 1
    version = Version.objects.create(name=f"v{number}", flow=flow, number=number,
                                     document={"schema": 1, "nodes": nodes, "edges": list(edges)})
    Version.objects.filter(pk=version.pk).update(created=timezone.now() - timedelta(days=days_ago))
    Flow.objects.filter(pk=flow.pk).update(deployed_version=version)
    return version


@pytest.fixture
def processor():
    processor = make_processor(name="proc1")
    make_task(processor, name="echo")
    return processor


def socket(processor, name: str) -> Socket:
    return make_socket(processor, name=name, task=processor.tasks.get(name="echo"))


def test_sockets_go_to_the_flow_that_named_them_first_and_plugs_to_their_flow(processor, alice):
    first, second = Flow.objects.create(name="first"), Flow.objects.create(name="a")
    shared_name, own, cli = socket(processor, "do_something"), socket(processor, "say"), socket(processor, "cli")
    other = socket(processor, "a.other")
    # "first" named do_something first (9 days ago), though its deployed version is newer
    # than the second flow's first one.
    deployed(first, [node("x", "echo", "do_something")], days_ago=9)
    deployed(second, [node("x", "echo", "do_something")], days_ago=5)
    v_first = deployed(first, [node("x", "echo", "do_something"), node("y", "echo", "say")],
                       [edge("e1", "x", "y")], days_ago=3)
    v_second = deployed(second, [node("x", "echo", "do_something"), node("z", "echo", "a.other")], days_ago=1)
    plug = make_plug(shared_name, own, name="first:e1")
    nested = make_plug(own, other, name="a:b:e9")  # flow "a", no such edge: longest name "a"

    migration.owners_assign(apps, None)

    for row in (shared_name, own, cli, other, plug, nested):
        row.refresh_from_db()
    assert (shared_name.flow_key, shared_name.flow_version) == (str(first.pk), v_first.pk)
    assert (own.flow_key, other.flow_key, other.flow_version) == (str(first.pk), str(second.pk), v_second.pk)
    assert (cli.flow_key, cli.flow_version) == ("", None)
    assert (plug.flow_key, nested.flow_key) == (str(first.pk), str(second.pk))


def test_after_the_migration_the_second_flow_gets_the_clear_error(processor, alice):
    first, second = Flow.objects.create(name="first"), Flow.objects.create(name="second")
    existing = socket(processor, "do_something")
    deployed(first, [node("x", "echo", "do_something")], days_ago=2)
    v2 = deployed(second, [node("x", "echo", "do_something")], days_ago=1)
    migration.owners_assign(apps, None)
    outcome = flow_deploy(flow=second, version=v2, by=alice)[0]
    assert outcome["error"] == ("Socket 'do_something' belongs to flow 'first'; "
                                "rename the node or mark it as a shared socket.")
    existing.refresh_from_db()
    assert existing.flow_key == str(first.pk)
    assert not Plug.objects.exists()
