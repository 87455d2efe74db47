"""The engine's verbs over REST: mount, run, cancel, code; each behind its right."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.accounts.models import Privilege, UserPrivilege
from apps.accounts.selectors import user_rights_forget
from apps.calls.models import Call, CallState
from apps.processors.models import MountStatus, Processor, Socket
from tests.fixtures.engine import call_wait, wait_for

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


def grant(user, *rights):
    for right in rights:
        privilege, _ = Privilege.objects.get_or_create(right=right, defaults={"name": right})
        UserPrivilege.objects.create(user=user, privilege=privilege)
    user_rights_forget(user)


@pytest.fixture
def api(bob):
    client = APIClient()
    client.force_authenticate(bob)
    return client


def socket_url(name: str, verb: str) -> str:
    return f"/api/sockets/{Socket.objects.get(name=f'pyfi.processors.sample.{name}').pk}/{verb}/"


@pytest.mark.parametrize("broker_url", ["amqp"], indirect=True)
def test_a_socket_runs_through_the_api_and_its_call_finishes(proc1, start_worker, api, bob):
    assert api.post(socket_url("do_this", "run"), {"args": [["some data"]]}, format="json").status_code == 403
    grant(bob, "RUN_TASK")
    response = api.post(socket_url("do_this", "run"), {"args": [["some data"]]}, format="json")
    assert response.status_code == 202, response.json()
    call = call_wait(Call.objects.get(pk=response.json()["id"]), worker=start_worker("proc1"))
    assert call.result == "Do this: ['some data']"


def test_bad_input_is_a_400_that_names_the_field(proc1, api, bob):
    grant(bob, "RUN_TASK")
    response = api.post(socket_url("do_this", "run"), {"args": "not a list"}, format="json")
    assert response.status_code == 400 and "args" in response.json()["detail"]


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_a_cancelled_queued_call_is_never_run(proc1, start_worker, api, bob):
    grant(bob, "RUN_TASK", "CANCEL_TASK")
    queued = api.post(socket_url("echo", "run"), {"args": [1]}, format="json").json()
    response = api.post(f"/api/calls/{queued['id']}/cancel/")
    assert response.status_code == 200 and response.json()["state"] == CallState.CANCELLED
    assert api.post(f"/api/calls/{queued['id']}/cancel/").status_code == 409
    worker = start_worker("proc1")
    after = api.post(socket_url("echo", "run"), {"args": [2]}, format="json").json()
    call_wait(Call.objects.get(pk=after["id"]), worker=worker)  # the queue has been drained past it
    cancelled = Call.objects.get(pk=queued["id"])
    assert cancelled.state == CallState.CANCELLED and cancelled.started is None


def test_the_source_of_a_function_needs_view_processor_code(proc1, api, bob):
    task = proc1.tasks.get(name="add_two")
    assert api.get(f"/api/tasks/{task.pk}/code/").status_code == 403
    grant(bob, "VIEW_PROCESSOR_CODE")
    body = api.get(f"/api/tasks/{task.pk}/code/").json()
    assert body["source"].startswith("def add_two(one, two):")


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_mount_is_queued_and_the_platform_worker_mounts(proc1, start_process, api, bob):
    grant(bob, "MOUNT_PROCESSOR")
    Processor.objects.filter(pk=proc1.pk).update(mount_status=MountStatus.NONE, module="elasticcode_examples.missing")
    response = api.post(f"/api/processors/{proc1.pk}/mount/")
    assert response.status_code == 202 and response.json()["mount_status"] == MountStatus.QUEUED
    platform = start_process(["-m", "celery", "-A", "flowsite", "worker", "-Q", "elasticcode.platform",
                              "-c", "1", "-n", "platform@tests", "--without-gossip", "--without-mingle"])
    ended = (MountStatus.QUEUED, MountStatus.MOUNTING)
    wait_for(lambda: Processor.objects.get(pk=proc1.pk).mount_status not in ended, timeout=60,
             what="the mount to end", processes=[platform])
    failed = Processor.objects.get(pk=proc1.pk)
    assert failed.mount_status == MountStatus.FAILED
    assert "could not import module 'elasticcode_examples.missing'" in failed.mount_log
