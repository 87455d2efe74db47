"""Build the virtualenv a processor's functions run in.

``uv`` is preferred (``uv venv`` + ``uv pip install``); without it we fall back
to ``python -m venv`` + pip. The installer runs with a minimal environment
(installer configuration, proxies and CA settings only), because it executes
the repository's own build code (``setup.py``) and must not see the
platform's secrets.

Invariants: the returned interpreter lives inside ``venv_dir``; installer
output reaches ``log`` line by line, at most ``MAX_LOG_LINES`` lines; a
failure raises ``MountError`` (stage "venv" or "install") whose message ends
with the last lines of the tool's output.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from apps.processors.code_rules import requirements_specifiers

from .errors import MountError
from .proc import ProcResult, proc_stream
from .stages import MountStage, StageReport, stage_ignore

Log = Callable[[str], None]

MAX_LOG_LINES = 400
TAIL_LINES = 20
REQUIREMENTS_FILE = "elasticcode-requirements.txt"
_PASS_ENV = {
    "PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "XDG_CACHE_HOME",
    "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
    "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY",
    "http_proxy", "https_proxy", "no_proxy", "all_proxy",
}
_PASS_ENV_PREFIXES = ("UV_", "PIP_")


def venv_build(
    *,
    source: Path,
    venv_dir: Path,
    requirements: str | None,
    log: Log,
    base_python: Path | None = None,
    timeout: float = 900.0,
    on_stage: StageReport = stage_ignore,
) -> Path:
    """Create ``venv_dir`` and install ``source`` (if packaged) and ``requirements``.

    ``source`` is installed (non-editable) when it has a ``pyproject.toml``
    or ``setup.py``; otherwise only ``requirements`` are installed and the
    runner puts ``source`` on ``sys.path``. ``requirements`` is
    requirements-file text (one PEP 508 specifier by name per line), or ``None``;
    only the checked specifiers reach the installer (options such as ``-e``,
    ``--index-url`` or ``-r``, paths and URLs fail the mount). Packages come from
    the index of the platform's own installer settings (``UV_*``/``PIP_*`` in
    its environment), never from the processor or its checkout's configuration.
    ``base_python`` defaults to the interpreter running this code. ``on_stage`` hears
    ENVIRONMENT before the venv is created and INSTALLING before anything is installed.

    Returns the venv's python. Raises ``MountError(stage="venv")`` if the
    venv cannot be created, ``MountError(stage="install")`` if installing fails
    or takes longer than ``timeout`` seconds.
    """
    source, venv_dir = Path(source), Path(venv_dir)
    try:
        specifiers = requirements_specifiers(requirements)
    except ValueError as refused:
        raise MountError(stage="install", message=f"the requirements are refused:\n{refused}") from None
    base = Path(base_python or sys.executable)
    uv = uv_find()
    sink = _LineSink(log)
    on_stage(MountStage.ENVIRONMENT)
    _venv_create(uv=uv, base=base, venv_dir=venv_dir, sink=sink, timeout=timeout)
    python = venv_dir / "bin" / "python"
    targets = _install_targets(source=source, venv_dir=venv_dir, specifiers=specifiers)
    if not targets:
        log("nothing to install (no pyproject.toml, setup.py or requirements)")
        return python
    if uv:
        args = [uv, "pip", "install", "--no-config", "--no-sources", "--python", str(python), *targets]
    else:
        args = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--no-input", *targets]
    on_stage(MountStage.INSTALLING)
    log(f"installing {_describe(targets)} with {'uv' if uv else 'pip'}")
    result = _run(args=args, cwd=source, sink=sink, timeout=timeout, stage="install")
    if result.returncode != 0:
        raise MountError(stage="install", message=_failure(f"installing {_describe(targets)}", result))
    sink.finish()
    return python


def uv_find() -> str | None:
    """Path of the ``uv`` executable: on PATH, else from the ``uv`` package, else None."""
    found = shutil.which("uv")
    if found:
        return found
    try:
        import uv

        return uv.find_uv_bin()
    except (ImportError, FileNotFoundError, AttributeError):
        return None


def installer_env() -> dict[str, str]:
    """Environment for installers: only installer/network settings of ours, no secrets."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key in _PASS_ENV or key.startswith(_PASS_ENV_PREFIXES)
    }
    env.setdefault("PATH", os.defpath)
    env.setdefault("LANG", "C.UTF-8")
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


class _LineSink:
    """Forward installer lines to ``log``, at most ``MAX_LOG_LINES`` of them."""

    def __init__(self, log: Log) -> None:
        self.log = log
        self.count = 0

    def __call__(self, line: str) -> None:
        self.count += 1
        if self.count <= MAX_LOG_LINES:
            self.log(line)

    def finish(self) -> None:
        hidden = self.count - MAX_LOG_LINES
        if hidden > 0:
            self.log(f"... {hidden} more lines of installer output not shown")
        self.count = 0


def _venv_create(*, uv: str | None, base: Path, venv_dir: Path, sink: _LineSink, timeout: float) -> None:
    if not base.exists():
        raise MountError(stage="venv", message=f"base interpreter {base} does not exist")
    venv_dir.parent.mkdir(parents=True, exist_ok=True)
    if uv:
        args = [uv, "venv", "--no-config", "--python", str(base), str(venv_dir)]
    else:
        args = [str(base), "-m", "venv", str(venv_dir)]
    result = _run(args=args, cwd=venv_dir.parent, sink=sink, timeout=timeout, stage="venv")
    if result.returncode != 0 or not (venv_dir / "bin" / "python").exists():
        raise MountError(stage="venv", message=_failure("creating the virtualenv", result))


def _install_targets(*, source: Path, venv_dir: Path, specifiers: list[str]) -> list[str]:
    targets: list[str] = []
    if (source / "pyproject.toml").is_file() or (source / "setup.py").is_file():
        targets.append(str(source))
    if specifiers:
        req_file = venv_dir / REQUIREMENTS_FILE
        req_file.write_text("\n".join(specifiers) + "\n", encoding="utf-8")
        targets += ["-r", str(req_file)]
    return targets


def _describe(targets: list[str]) -> str:
    parts = []
    if targets and targets[0] != "-r":
        parts.append("the repository")
    if "-r" in targets:
        parts.append("the requirements")
    return " and ".join(parts)


def _run(*, args: list[str], cwd: Path, sink: _LineSink, timeout: float, stage: str) -> ProcResult:
    try:
        result = proc_stream(args=args, env=installer_env(), cwd=cwd, timeout=timeout, on_line=sink,
                             tail_lines=TAIL_LINES)
    except OSError as exc:
        raise MountError(stage=stage, message=f"could not start {Path(args[0]).name}: {exc.strerror or exc}") from None
    if result.timed_out:
        raise MountError(stage=stage,
                         message=f"{Path(args[0]).name} did not finish within {timeout:g} s and was stopped")
    return result


def _failure(what: str, result: ProcResult) -> str:
    tail = "\n".join(result.tail) or "(no output)"
    return f"{what} failed (exit code {result.returncode}); last lines of output:\n{tail}"
