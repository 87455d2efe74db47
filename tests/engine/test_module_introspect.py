"""module_introspect: the example module, messy repositories, and clear failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from apps.engine.mounts import MountError, module_introspect, mount_prepare

EXAMPLE_FUNCTIONS = [
    "do_something", "do_graph", "do_this", "add_two", "say", "fail", "sleep",
    "route", "noop", "bad_result", "import_optional", "environment", "echo",
]

MESSY = '''\
"""A module with everything introspection must cope with."""
from textwrap import dedent            # imported function: not listed
import json                            # imported module: not listed
print("noise on stdout while importing")


def annotated(count: int, names: list[str] | None = None, *, scale: float = 1.5) -> dict:
    """Annotated."""
    return {}


def odd_defaults(when=(1, 2), sentinel=object(), nan=float("nan"), nested={"a": [1, 2]}):
    return None


def positional(a, /, b, *rest, c, **options):
    return None


def optional_dependency():
    import elasticcode_missing_optional_package
    return elasticcode_missing_optional_package


def unreadable():
    return None


unreadable.__signature__ = "not a signature"


def _private():
    return None


class NotAFunction:
    def method(self):
        return None


lambda_value = lambda x: x  # noqa: E731  (a function defined here: listed)
'''


def introspect(mount_python: Path, source: Path, module: str, **kwargs):
    return module_introspect(python=mount_python, source=source, module=module, **kwargs)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_example_functions_in_definition_order(example_mount):
    result = introspect(example_mount.python, example_mount.path, "elasticcode_examples.sample")
    assert [f.name for f in result.functions] == EXAMPLE_FUNCTIONS
    assert result.warnings == []


def test_example_arguments(example_mount):
    result = introspect(example_mount.python, example_mount.path, "elasticcode_examples.sample")
    do_something = result.function("do_something")
    assert [(a.name, a.position, a.kind) for a in do_something.arguments] == [
        ("message", 0, "positional_or_keyword"),
        ("args", 1, "var_positional"),
        ("plugs", 2, "keyword_only"),
        ("output", 3, "keyword_only"),
        ("kwargs", 4, "var_keyword"),
    ]
    plugs = do_something.arguments[2]
    assert (plugs.has_default, plugs.default, plugs.default_is_repr) == (True, {}, False)
    assert not do_something.arguments[0].has_default
    assert do_something.accepts_plugs and do_something.accepts_output
    assert "TEXT:" in do_something.source and do_something.doc.startswith("Return the message")
    route = result.function("route")
    assert (route.accepts_plugs, route.accepts_output) == (True, False)
    add_two = result.function("add_two")
    assert (add_two.accepts_plugs, add_two.accepts_output) == (False, False)
    assert [a.name for a in add_two.arguments] == ["one", "two"]
    assert result.function("import_optional") is not None  # optional import only inside


def test_messy_module(example_mount, tmp_path):
    source = write(tmp_path, {"messy.py": MESSY})
    result = introspect(example_mount.python, source, "messy")
    names = [f.name for f in result.functions]
    assert names == ["annotated", "odd_defaults", "positional", "optional_dependency", "lambda_value"]
    assert len(result.warnings) == 1 and "'unreadable'" in result.warnings[0]
    annotated = result.function("annotated")
    assert [a.annotation for a in annotated.arguments] == ["int", "list[str] | None", "float"]
    assert annotated.returns == "dict", "the return annotation types the result output"
    assert result.function("positional").returns is None, "unannotated: Any"
    assert [(a.default, a.has_default) for a in annotated.arguments] == [(None, False), (None, True), (1.5, True)]
    when, sentinel, nan, nested = result.function("odd_defaults").arguments
    assert (when.default, when.default_is_repr) == ("(1, 2)", True)
    assert sentinel.default_is_repr and sentinel.default.startswith("<object object at")
    assert (nan.default, nan.default_is_repr) == ("nan", True)
    assert (nested.default, nested.default_is_repr) == ({"a": [1, 2]}, False)
    kinds = [a.kind for a in result.function("positional").arguments]
    assert kinds == ["positional_only", "positional_or_keyword", "var_positional", "keyword_only", "var_keyword"]
    assert result.function("positional").accepts_plugs  # **options takes plugs
    assert result.function("lambda_value").source is not None


def test_namespace_package_without_init(example_mount, tmp_path):
    source = write(tmp_path, {"nspkg/tools/helpers.py": "def helper(x):\n    return x\n"})
    result = introspect(example_mount.python, source, "nspkg.tools.helpers")
    assert [f.name for f in result.functions] == ["helper"]


def test_module_that_fails_to_import(example_mount, tmp_path):
    source = write(tmp_path, {"broken.py": "import elasticcode_definitely_missing\n\ndef f():\n    pass\n"})
    with pytest.raises(MountError) as info:
        introspect(example_mount.python, source, "broken")
    assert info.value.stage == "introspect"
    assert info.value.message == (
        "could not import module 'broken': ModuleNotFoundError: "
        "No module named 'elasticcode_definitely_missing'"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("raise RuntimeError('no config')\n", "RuntimeError: no config"),
        ("import sys\nsys.exit(3)\n", "SystemExit: 3"),
        ("import os\nos._exit(7)\n", "exited with code 7"),
        ("def broken(:\n", "SyntaxError"),
    ],
)
def test_import_failures_are_clear(example_mount, tmp_path, text, expected):
    source = write(tmp_path, {"bad.py": text})
    with pytest.raises(MountError) as info:
        introspect(example_mount.python, source, "bad")
    assert info.value.message.startswith("could not import module 'bad': ")
    assert expected in info.value.message


def test_unknown_module_and_invalid_name(example_mount, tmp_path):
    with pytest.raises(MountError, match="No module named 'not_here'"):
        introspect(example_mount.python, tmp_path, "not_here")
    with pytest.raises(MountError, match="invalid module name"):
        introspect(example_mount.python, tmp_path, "os; import shutil")


def test_import_that_hangs_times_out(example_mount, tmp_path):
    source = write(tmp_path, {"hangs.py": "while True:\n    pass\n"})
    with pytest.raises(MountError, match=r"did not finish within 0\.5 s"):
        introspect(example_mount.python, source, "hangs", timeout=0.5)


def test_introspection_does_not_see_platform_secrets(example_mount, tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "platform-secret")
    source = write(tmp_path, {
        "envcheck.py": "import os\nif 'SECRET_KEY' in os.environ:\n    raise RuntimeError('leaked')\n"
                       "def f():\n    return 1\n",
    })
    assert [f.name for f in introspect(example_mount.python, source, "envcheck").functions] == ["f"]


def test_setup_py_only_repository(repo_factory, tmp_path):
    repo = repo_factory({
        "setup.py": "from setuptools import setup\n\nsetup(name='legacy-proc', version='0.1', py_modules=['legacy'])\n",
        "legacy.py": "def old_style(a, b=2):\n    'Old but gold.'\n    return a * b\n",
    })
    mount = mount_prepare(url=repo.url, ref=None, requirements=None, cache_root=tmp_path / "cache",
                          log=lambda line: None)
    installed = list(mount.python.parent.parent.glob("lib/python*/site-packages/legacy_proc-*.dist-info"))
    assert installed, "setup.py project was installed"
    result = introspect(mount.python, mount.path, "legacy")
    assert [(f.name, [a.name for a in f.arguments]) for f in result.functions] == [("old_style", ["a", "b"])]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with pytest.raises(MountError, match="in the repository checkout"):  # installed, not the checkout's
        introspect(mount.python, elsewhere, "legacy")
