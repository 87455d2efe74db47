"""Discover the public functions of a module by importing it in the processor's venv.

The import happens in a separate interpreter (the venv's python) running the
stdlib-only ``introspect_script.py`` with a clean environment: only PATH,
HOME (a fresh temp dir), LANG and PYTHONPATH=source. The platform's own
environment (database URLs, secrets) never reaches the user's code, and given a
``RunnerUser`` the import runs as that unprivileged user, like the runner.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apps.engine.runner_user import RunnerUser, popen_identity

from .errors import MountError
from .proc import proc_communicate

SCRIPT_PATH = Path(__file__).with_name("introspect_script.py")
_MODULE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")
_BASE_PATH = "/usr/local/bin:/usr/bin:/bin"


@dataclass(frozen=True)
class ArgumentInfo:
    """One parameter of a function.

    ``kind`` is one of positional_only, positional_or_keyword, var_positional,
    keyword_only, var_keyword. ``default`` is the JSON value of the default
    when it round-trips through JSON, else its (bounded) ``repr`` text with
    ``default_is_repr`` true; ``None`` when ``has_default`` is false.
    """

    name: str
    position: int
    kind: str
    annotation: str | None
    default: Any
    has_default: bool
    default_is_repr: bool = False


@dataclass(frozen=True)
class FunctionInfo:
    """A public function defined in the introspected module (not imported into it)."""

    name: str
    doc: str | None
    source: str | None
    arguments: list[ArgumentInfo]
    accepts_plugs: bool
    accepts_output: bool
    lineno: int | None = None
    returns: str | None = None  # the return annotation's text; None: unannotated


@dataclass(frozen=True)
class Introspection:
    """Functions in definition order, plus warnings about functions that were skipped."""

    functions: list[FunctionInfo]
    warnings: list[str] = field(default_factory=list)

    def function(self, name: str) -> FunctionInfo | None:
        """The function called ``name``, or ``None``."""
        return next((f for f in self.functions if f.name == name), None)


def module_introspect(*, python: Path, source: Path, module: str, timeout: float = 60,
                      user: RunnerUser | None = None) -> Introspection:
    """Import ``module`` with ``python`` (source dir on PYTHONPATH) and list its functions.

    Raises ``MountError(stage="introspect")`` when the module name is invalid, the
    module is not a file inside ``source`` (a standard-library or installed module),
    the module fails to import (message names the exception, e.g.
    ``could not import module 'x': ModuleNotFoundError: No module named 'y'``),
    the interpreter dies, or the import takes longer than ``timeout`` seconds.
    A function whose signature cannot be read is skipped with a warning.
    """
    if not _MODULE_NAME.match(module or ""):
        raise MountError(stage="introspect", message=f"invalid module name {module!r}")
    if not Path(source).is_dir():
        raise MountError(stage="introspect", message=f"source directory {source} does not exist")
    if module_file(source=Path(source), module=module) is None:
        path = module.replace(".", "/")
        raise MountError(stage="introspect", message=f"could not import module {module!r}: No module named "
                         f"{module!r} in the repository checkout (no {path}.py or {path}/__init__.py): "
                         "a processor runs a module of its own repository")
    with tempfile.TemporaryDirectory(prefix="ec-introspect-home-") as home:
        if user is not None:
            user.own(Path(home))
        env = {
            "PATH": f"{Path(python).parent}:{_BASE_PATH}",
            "HOME": home,
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(source),
        }
        args = [str(python), "-c", SCRIPT_PATH.read_text("utf-8"), module, str(source)]
        try:
            result = proc_communicate(args=args, env=env, cwd=Path(source), timeout=timeout,
                                      identity=popen_identity(user))
        except OSError as exc:
            raise MountError(stage="introspect", message=f"could not start {python}: {exc.strerror or exc}") from None
    if result.timed_out:
        raise MountError(
            stage="introspect",
            message=f"importing module {module!r} did not finish within {timeout:g} s",
        )
    document = _document(result.stdout)
    if document is None:
        tail = "\n".join(result.stderr.strip().splitlines()[-20:])
        raise MountError(
            stage="introspect",
            message=f"could not import module {module!r}: the interpreter exited with code "
            f"{result.returncode}" + (f":\n{tail}" if tail else ""),
        )
    if not document.get("ok"):
        error = document.get("error") or {}
        if error.get("type") == "NotInCheckout":
            raise MountError(stage="introspect", message=str(error.get("message")))
        raise MountError(
            stage="introspect",
            message=f"could not import module {module!r}: {error.get('type')}: {error.get('message')}",
        )
    return _introspection(document)


def module_file(*, source: Path, module: str) -> Path | None:
    """The checkout's file for ``module`` (``a/b.py`` or ``a/b/__init__.py``), or None.

    Resolved with symlinks followed: a file that points outside ``source`` is not one.
    """
    root = Path(source).resolve()
    relative = Path(*module.split("."))
    for candidate in (root / relative.with_suffix(".py"), root / relative / "__init__.py"):
        resolved = candidate.resolve()
        if resolved.is_file() and resolved.is_relative_to(root):
            return resolved
    return None


def _document(stdout: str) -> dict | None:
    try:
        document = json.loads(stdout)
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


def _introspection(document: dict) -> Introspection:
    functions = [
        FunctionInfo(
            name=item["name"],
            doc=item.get("doc"),
            source=item.get("source"),
            arguments=[ArgumentInfo(**arg) for arg in item.get("arguments", [])],
            accepts_plugs=bool(item.get("accepts_plugs")),
            accepts_output=bool(item.get("accepts_output")),
            lineno=item.get("lineno"),
            returns=item.get("returns"),
        )
        for item in document.get("functions", [])
    ]
    return Introspection(functions=functions, warnings=[str(w) for w in document.get("warnings", [])])

