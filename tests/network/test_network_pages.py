"""The network page shows nodes with their health, agents, deployments and workers; the
processor page shows its run controls behind their rights, its deployments and workers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import Privilege, UserPrivilege
from apps.core.models import Status
from apps.network.models import Agent, Deployment, Node, Worker
from tests.factories import make_processor

pytestmark = pytest.mark.django_db


def grant(user, *rights: str) -> None:
    for right in rights:
        privilege, _ = Privilege.objects.get_or_create(right=right, defaults={"name": right})
        UserPrivilege.objects.create(user=user, privilege=privilege)


@pytest.fixture
def running_node():
    node = Node.objects.create(name="n1", hostname="n1", cpus=4, status=Status.UP, heartbeat=timezone.now(),
                               cpuload=12.5, memused=40)
    agent = Agent.objects.create(name="n1", hostname="n1", node=node, cpus=4, status=Status.RUNNING)
    processor = make_processor(name="proc1", concurrency=2, status=Status.RUNNING, requested_status=Status.RUNNING)
    deployment = Deployment.objects.create(name="proc1@n1", hostname="n1", cpus=2, processor=processor, node=node,
                                           status=Status.RUNNING)
    Worker.objects.create(name="proc1@n1", hostname="n1", processor=processor, deployment=deployment, agent=agent,
                          concurrency=2, process=4242, status=Status.RUNNING)
    return processor


def test_the_network_page_shows_which_node_runs_what_and_its_health(alice_client, running_node):
    Node.objects.create(name="gone", hostname="gone", cpus=2, status=Status.UP,
                        heartbeat=timezone.now() - timedelta(minutes=5))
    page = alice_client.get("/network/").content.decode()
    assert 'data-node="n1"' in page and "healthy" in page
    assert "proc1</a>: 2" in page and "2 / 4" in page
    assert "proc1@n1" in page and "pid 4242" in page
    row = page[page.index('data-node="gone"'):]
    assert "status-down" in row[:400]


def test_the_processor_page_offers_the_verbs_the_user_has_rights_for(client, bob, running_node):
    grant(bob, "READ_PROCESSOR", "PAUSE_PROCESSOR", "RESUME_PROCESSOR")
    client.force_login(bob)
    page = client.get(f"/processors/{running_node.pk}/").content.decode()
    assert 'data-verb="pause"' in page and 'data-verb="resume"' in page
    assert 'data-verb="start"' not in page and 'data-verb="stop"' not in page and 'data-verb="restart"' not in page
    assert "proc1@n1" in page and "<td>n1</td><td>2</td>" in page


def test_an_admin_gets_every_verb(alice_client, running_node):
    page = alice_client.get(f"/processors/{running_node.pk}/").content.decode()
    for verb in ("start", "stop", "pause", "resume", "restart"):
        assert f'data-verb="{verb}"' in page
