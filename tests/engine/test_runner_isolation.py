"""A function on a real worker tries to reach the platform's secrets: the worker's
environment (its /proc/<pid>/environ holds DATABASE_URL, SECRET_KEY, the broker URL), the
state folder and the key files in it. It gets none of them.

As root the runner runs as RUNNER_USER and everything is refused; where the tests cannot
switch users (not root) the worker is still non-dumpable, so its environ is refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from apps.calls.models import CallState
from apps.engine import worker as worker_module
from apps.engine.dispatch import call_submit
from apps.engine.mounting import processor_mount
from apps.engine.runner_client import runner_script_path
from apps.engine.runner_user import runner_user_can_run, runner_user_resolve
from apps.engine.worker import worker_protect
from apps.network.models import Queue
from apps.processors.models import Processor, Socket, TrustedRepository
from apps.processors.services import processor_create
from tests.fixtures.engine import call_wait

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

ATTACKER = '''\
import os


def attempt(action):
    try:
        return {"got": action()}
    except OSError as error:
        return {"refused": type(error).__name__}


def read(path):
    with open(path, "rb") as handle:
        return handle.read().decode("utf-8", "replace").replace("\\x00", "\\n")


def parent_of(pid):
    with open(f"/proc/{pid}/stat") as handle:
        return int(handle.read().rsplit(")", 1)[1].split()[1])


def loot(state_dir, private_files):
    runner_parent = os.getppid()
    worker = parent_of(runner_parent)
    found = {
        "uid": os.getuid(),
        "pool process environ": attempt(lambda: read(f"/proc/{runner_parent}/environ")),
        "worker environ": attempt(lambda: read(f"/proc/{worker}/environ")),
        "state folder": attempt(lambda: os.listdir(state_dir)),
    }
    for name in private_files:
        found[name] = attempt(lambda: read(os.path.join(state_dir, name)))
    return found
'''


def runner_python(user) -> str:
    """An interpreter the runner user can start (a pyenv under /root is not one)."""
    for candidate in (sys.executable, "/usr/bin/python3", "/usr/local/bin/python3"):
        if Path(candidate).exists() and not runner_user_can_run(
                user, python=Path(candidate), source=Path("/"), script=runner_script_path()):
            return candidate
    pytest.fail(f"no interpreter the runner user {user.name} can start")


@pytest.fixture
def runner_user():
    """As root: the runner user exists (what bin/setup does); else None (non-dumpable path)."""
    if os.geteuid() != 0:
        return None
    name = settings.RUNNER_USER
    if runner_user_resolve(name)[0] is None:
        subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                        "--shell", "/usr/sbin/nologin", "--user-group", name], check=True)
    return runner_user_resolve(name)[0]


@pytest.fixture
def attacker(settings, repo_factory, runner_user):
    settings.ALLOW_FILE_REPOSITORIES = True
    if runner_user is not None:
        settings.MOUNT_PYTHON = runner_python(runner_user)
    TrustedRepository.objects.create(name="local", pattern="file://*")
    repo = repo_factory({"attacker.py": ATTACKER})
    processor = processor_create(by=None, fields={
        "name": "attacker", "gitrepo": repo.url, "module": "attacker", "branch": "main", "timelimit": 20,
    })
    processor_mount(processor=processor)
    queue = Queue.objects.create(name="attacker.queue")
    return Socket.objects.create(name="attacker.loot", processor=processor, task=processor.tasks.get(name="loot"),
                                 queue=queue)


def test_a_function_reaches_neither_the_workers_environment_nor_the_state_folder(
        attacker, start_worker, runner_user, settings):
    state = Path(settings.STATE_DIR)
    private_files = [name for name in ("secret_key", "encryption_key", "admin-password") if (state / name).exists()]
    assert private_files, "the state folder holds a generated key"
    worker = start_worker("attacker", concurrency=1, MOUNT_PYTHON=settings.MOUNT_PYTHON)
    call = call_submit(socket=attacker, args=[str(state), private_files], kwargs={})
    call = call_wait(call, worker=worker, timeout=90)
    assert call.state == CallState.FINISHED, call.error
    found = call.result
    refused = {"refused": "PermissionError"}
    assert found["pool process environ"] == refused and found["worker environ"] == refused
    if runner_user is None:
        return  # not root: same uid, so the folder's modes cannot keep it out (the worker warned)
    assert found["uid"] == runner_user.uid
    assert found["state folder"] == refused
    for name in private_files:
        assert found[name] == refused, name
    assert settings.SECRET_KEY not in str(found) and settings.ENCRYPTION_KEY not in str(found)


def test_when_user_code_cannot_run_as_the_runner_user_the_worker_says_so_loudly(
        settings, example_mount, monkeypatch, caplog):
    undumpable = []
    monkeypatch.setattr(worker_module, "process_undumpable", lambda: undumpable.append(True) or True)
    settings.RUNNER_USER = "no-such-elasticcode-user"
    processor = Processor(name="loud")
    assert worker_protect(processor=processor, mount=example_mount) is None
    assert undumpable == [True], "the worker is non-dumpable in every case"
    assert "SECURITY WARNING" in caplog.text and "loud" in caplog.text
    assert ("does not exist" if os.geteuid() == 0 else "not root") in caplog.text


def test_every_platform_process_is_non_dumpable():
    """The agent, the web server and the monitor hold the same secrets as a worker: Django's
    start-up (the engine app) makes each non-dumpable, so same-user code cannot read /proc."""
    import subprocess
    import sys

    probe = ("import ctypes, django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'flowsite.settings'); "
             "django.setup(); print(ctypes.CDLL(None).prctl(3, 0, 0, 0, 0))")  # 3: PR_GET_DUMPABLE
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=300)
    assert out.stdout.strip().splitlines()[-1] == "0", out.stdout
