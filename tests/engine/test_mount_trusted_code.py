"""Only code of the processor's own checkout runs, checked at mount and by the runner.

The attacker holds a processor row whose module is a standard-library module, or a socket
that names a function its module only imports (``from os import system``): rows written
before the API refused them, or through any other path. The mount fails saying why, and
the runner refuses to call them even when asked directly.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from apps.core.errors import BadRequest
from apps.engine.mounting import processor_mount
from apps.engine.mounts import MountError, module_introspect, mount_prepare
from apps.engine.runner_client import RunnerProcess
from apps.processors.models import MountStatus, Processor, Socket, Task, TrustedRepository
from tests.factories import make_queue

TOOLS = "from os import system\nimport subprocess\n\n\ndef hello():\n    return 'hi'\n"


@pytest.fixture
def trusted_local(settings):
    settings.ALLOW_FILE_REPOSITORIES = True
    TrustedRepository.objects.create(name="local", pattern="file://*")


def processor_on(repo, module: str) -> Processor:
    return Processor.objects.create(name=f"p-{module}", module=module, gitrepo=repo.url, branch="main")


@pytest.mark.django_db
@pytest.mark.parametrize("module", ["os", "subprocess", "importlib.util"])
def test_a_standard_library_module_fails_the_mount(repo_factory, trusted_local, settings, tmp_path, module):
    settings.MOUNT_ROOT = tmp_path / "mounts"
    repo = repo_factory({"tools.py": TOOLS})
    processor = processor_on(repo, module)
    with pytest.raises(MountError, match="repository checkout") as failure:
        processor_mount(processor=processor)
    assert failure.value.stage == "introspect"
    processor.refresh_from_db()
    assert processor.mount_status == MountStatus.FAILED and "repository checkout" in processor.mount_log
    assert not processor.tasks.exists()


@pytest.mark.django_db
def test_a_socket_on_an_imported_function_fails_the_mount(repo_factory, trusted_local, settings, tmp_path):
    settings.MOUNT_ROOT = tmp_path / "mounts"
    repo = repo_factory({"tools.py": TOOLS})
    processor = processor_on(repo, "tools")
    task = Task.objects.create(name="system", processor=processor, module="tools")
    Socket.objects.create(name="run-id", processor=processor, task=task, queue=make_queue())
    with pytest.raises(MountError, match="socket 'run-id' runs 'system'"):
        processor_mount(processor=processor)
    processor.refresh_from_db()
    assert processor.mount_status == MountStatus.FAILED and "runs 'system'" in processor.mount_log


@pytest.mark.django_db
def test_a_mount_lists_only_functions_defined_in_the_module(repo_factory, trusted_local, settings, tmp_path):
    settings.MOUNT_ROOT = tmp_path / "mounts"
    repo = repo_factory({"tools.py": TOOLS})
    processor = processor_on(repo, "tools")
    Task.objects.create(name="gone", processor=processor, module="tools")
    processor_mount(processor=processor)
    assert set(processor.tasks.filter(enabled=True).values_list("name", flat=True)) == {"hello"}
    assert not processor.tasks.get(name="gone").enabled


def test_introspection_refuses_a_module_outside_the_checkout(example_mount, tmp_path):
    (tmp_path / "os.py").write_text("def system(command):\n    return 0\n")
    (tmp_path / "linked.py").symlink_to(os.__file__)
    with pytest.raises(MountError, match="'os' is not a module of the repository checkout"):
        module_introspect(python=example_mount.python, source=tmp_path, module="os")
    with pytest.raises(MountError, match="No module named 'linked' in the repository checkout"):
        module_introspect(python=example_mount.python, source=tmp_path, module="linked")
    with pytest.raises(MountError, match="No module named 'subprocess' in the repository checkout"):
        module_introspect(python=example_mount.python, source=tmp_path, module="subprocess")


@pytest.fixture
def runner(example_mount, tmp_path: Path):
    (tmp_path / "tools.py").write_text(TOOLS, encoding="utf-8")
    with RunnerProcess(example_mount.python, tmp_path) as process:
        yield process


@pytest.mark.parametrize("module, function, args", [
    ("os", "system", ["id"]),
    ("subprocess", "getoutput", ["id"]),
    ("tools", "system", ["id"]),
])
def test_the_runner_refuses_code_that_is_not_the_modules_own(runner, module, function, args):
    response = runner.call(module=module, function=function, args=args, kwargs={}, timeout=30)
    assert response["ok"] is False and response["result"] is None, response
    assert response["error"]["type"] in {"NotInCheckout", "FunctionNotFound"}
    assert "uid=" not in response["log"]
    assert runner.call(module="tools", function="hello", args=[], kwargs={}, timeout=30)["result"] == "hi"


@pytest.mark.django_db
def test_a_mount_refuses_a_url_that_climbs_out_of_a_trusted_directory(repo_factory, settings, tmp_path):
    settings.ALLOW_FILE_REPOSITORIES = True
    settings.MOUNT_ROOT = tmp_path / "mounts"
    repo = repo_factory({"tools.py": TOOLS})  # <tmp_path>/repo0/bare.git: not trusted
    (tmp_path / "trusted").mkdir()
    TrustedRepository.objects.create(name="trusted", pattern=f"{(tmp_path / 'trusted').as_uri()}/*")
    sneaky = f"{(tmp_path / 'trusted').as_uri()}/../{repo.bare.relative_to(tmp_path)}"
    processor = Processor.objects.create(name="sneaky", module="tools", gitrepo=sneaky, branch="main")
    with pytest.raises(BadRequest) as refused:
        processor_mount(processor=processor)
    assert "'..' segments" in str(refused.value.detail["gitrepo"][0])
    processor.refresh_from_db()
    assert processor.mount_status == MountStatus.FAILED and not processor.tasks.exists()
    assert not (tmp_path / "mounts").exists() or not any((tmp_path / "mounts").iterdir()), "nothing was cloned"


@pytest.mark.parametrize("line", ["-e {evil}", "{evil}", "evil @ file://{evil}", "--index-url file://{evil}"])
def test_a_mount_installs_no_local_package_named_in_the_requirements(repo_factory, tmp_path, line):
    """Requirements stored before the API refused them: the mount fails before any build, so
    the local package's setup.py never runs."""
    evil = tmp_path / "evil"
    evil.mkdir()
    marker = tmp_path / "setup-py-ran"
    (evil / "setup.py").write_text(
        f"open({str(marker)!r}, 'w').write('ran')\nfrom setuptools import setup\nsetup(name='evil', version='1')\n")
    repo = repo_factory({"tools.py": TOOLS})
    with pytest.raises(MountError) as refused:
        mount_prepare(url=repo.url, ref="main", requirements=f"# needs\n{line.format(evil=evil)}\n",
                      cache_root=tmp_path / "cache", log=lambda text: None)
    assert refused.value.stage == "install" and "line 2: " in refused.value.message
    assert not marker.exists(), "the local package's setup.py ran"
