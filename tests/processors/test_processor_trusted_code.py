"""Only code of the processor's own checkout runs: a processor names a module of its repository,
a socket a function defined in that module. Tried as a user holding only the rights to add
processors and sockets; each attempt is a 400 naming the field, and nothing is saved."""

from __future__ import annotations

import pytest

from apps.processors.models import MountStatus, Processor, Socket, Task, TrustedRepository
from tests.factories import make_processor, make_queue
from tests.fixtures.api import make_user

pytestmark = pytest.mark.django_db

BODY = {"name": "evil", "gitrepo": "https://github.com/acme/flows.git"}


@pytest.fixture
def author(api_as):
    TrustedRepository.objects.create(name="acme", pattern="https://github.com/acme/*")
    return api_as(make_user("ADD_PROCESSOR", "UPDATE_PROCESSOR", "ADD_SOCKET", "UPDATE_SOCKET"))


@pytest.mark.parametrize("module", [
    "os", "subprocess", "os.path", "importlib", "os; import shutil", "../evil", "pkg..mod", "pkg.class",
])
def test_a_processor_module_that_is_not_a_dotted_name_of_its_repository_is_refused(author, module):
    response = author.post("/api/processors/", {**BODY, "module": module}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["detail"]["module"], response.json()
    assert not Processor.objects.filter(name="evil").exists()


def test_a_processor_module_cannot_be_changed_to_the_standard_library(author):
    processor = make_processor(name="mine", module="pkg.tools", gitrepo=BODY["gitrepo"])
    response = author.patch(f"/api/processors/{processor.pk}/", {"module": "os"}, format="json")
    assert response.status_code == 400 and "standard-library" in response.json()["detail"]["module"][0]
    processor.refresh_from_db()
    assert processor.module == "pkg.tools"


def test_a_repository_module_is_accepted(author):
    response = author.post("/api/processors/", {**BODY, "module": "pkg.sample"}, format="json")
    assert response.status_code == 201, response.content


def mounted_processor() -> Processor:
    """A processor whose last mount found one function, ``hello``, in module ``tools``
    (which also does ``from os import system``: the mount does not list imported names)."""
    processor = make_processor(name="mounted", module="tools", mount_status=MountStatus.READY,
                               mount_commit="a" * 40)
    Task.objects.create(name="hello", processor=processor, module="tools")
    return processor


def test_a_socket_of_a_mounted_processor_must_run_a_function_of_its_module(author):
    processor = mounted_processor()
    make_queue(name="q1")
    body = {"name": "run-id", "processor": processor.name, "queue": "q1", "task": "system"}
    response = author.post("/api/sockets/", body, format="json")
    assert response.status_code == 400, response.content
    assert "defines no function 'system'" in response.json()["detail"]["task"][0]
    assert not Socket.objects.exists() and not Task.objects.filter(name="system").exists()
    assert author.post("/api/sockets/", {**body, "task": "hello"}, format="json").status_code == 201


def test_a_socket_cannot_be_repointed_to_an_imported_function(author):
    processor = mounted_processor()
    make_queue(name="q1")
    body = {"name": "greet", "processor": processor.name, "queue": "q1", "task": "hello"}
    socket = author.post("/api/sockets/", body, format="json").json()
    response = author.patch(f"/api/sockets/{socket['id']}/", {"task": "system"}, format="json")
    assert response.status_code == 400 and response.json()["detail"]["task"]
    assert Socket.objects.get(pk=socket["id"]).task.name == "hello"


@pytest.mark.parametrize("task", ["__import__", "_private", "os.system", "a b", "class"])
def test_a_socket_task_must_be_a_public_function_name(author, task):
    processor = make_processor(name="unmounted", module="tools")
    make_queue(name="q1")
    body = {"name": "bad", "processor": processor.name, "queue": "q1", "task": task}
    response = author.post("/api/sockets/", body, format="json")
    assert response.status_code == 400 and response.json()["detail"]["task"], response.content
    assert not Task.objects.filter(processor=processor).exists()
