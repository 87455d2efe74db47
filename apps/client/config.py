"""Where the CLI finds its server and token.

The file (``~/.config/elasticcode/flow.ini``, or ``FLOW_CONFIG``) holds ``url`` and
``token`` in a ``[flow]`` section and is written with mode 0600. ``FLOW_URL`` and
``FLOW_TOKEN`` override what the file says.
"""

from __future__ import annotations

import configparser
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_URL = "http://127.0.0.1:8000"
SECTION = "flow"


class ConfigError(Exception):
    """The configuration file cannot be read or written."""


@dataclass(frozen=True)
class Config:
    url: str
    token: str | None
    path: Path
    token_from_env: bool = False


def config_path(explicit: str | os.PathLike | None = None, environ: Mapping[str, str] = os.environ) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    if environ.get("FLOW_CONFIG"):
        return Path(environ["FLOW_CONFIG"]).expanduser()
    return Path.home() / ".config" / "elasticcode" / "flow.ini"


def read_file(path: Path) -> dict[str, str]:
    """The ``[flow]`` section of the file, or nothing when it does not exist."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (OSError, configparser.Error) as exc:
        raise ConfigError(f"cannot read the configuration file {path}: {exc}") from exc
    return dict(parser[SECTION]) if parser.has_section(SECTION) else {}


def load_config(
    path: str | os.PathLike | None = None, environ: Mapping[str, str] = os.environ
) -> Config:
    resolved = config_path(path, environ)
    stored = read_file(resolved)
    url = environ.get("FLOW_URL") or stored.get("url") or DEFAULT_URL
    env_token = environ.get("FLOW_TOKEN")
    token = env_token or stored.get("token") or None
    return Config(url=url, token=token, path=resolved, token_from_env=bool(env_token))


def save_config(path: Path, *, url: str, token: str | None) -> None:
    """Write url and token, readable by the owner only (0600, folder 0700)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser[SECTION] = {"url": url}
    if token:
        parser[SECTION]["token"] = token
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            parser.write(handle)
        os.chmod(path, 0o600)
    except OSError as exc:
        raise ConfigError(f"cannot write the configuration file {path}: {exc}") from exc
