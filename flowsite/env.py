"""Readers for settings from the environment. They fail loudly on bad values.

A secret may also come from a file named by ``NAME_FILE`` (Docker secrets).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


class ConfigError(RuntimeError):
    """A setting in the environment is malformed."""


def env_str(name: str, default: str = "") -> str:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no)")


def _env_number(name: str, default, parse, what: str):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return parse(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not {what}") from None


def env_int(name: str, default: int) -> int:
    return _env_number(name, default, int, "an integer")


def env_float(name: str, default: float) -> float:
    return _env_number(name, default, float, "a number")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


# The kombu transport that holds a bounded Redis queue to its length (apps/engine/redis_capped.py),
# named by dotted path: settings load before the apps and import none of them.
CAPPED_TRANSPORT = "apps.engine.redis_capped:Transport"


def broker_transport(url: str) -> str | None:
    """The kombu transport for a broker URL: the capped one on Redis, kombu's own otherwise.

    ``rediss://`` keeps kombu's transport: kombu turns TLS on by that transport name."""
    return CAPPED_TRANSPORT if url.split(":", 1)[0] == "redis" else None


def state_dir() -> Path:
    """The local state folder: generated keys, embedded database and Redis, logs, mounts.

    Mode 0711: other users (the runner user among them) may pass through it to the mounts
    but not list it; what it holds is private (see ``private_file``).
    """
    base = Path(__file__).resolve().parent.parent
    path = Path(os.environ.get("ELASTICCODE_STATE_DIR", base / ".state"))
    path.mkdir(parents=True, exist_ok=True)
    path_mode_set(path, 0o711)
    return path


def path_mode_set(path: Path, mode: int) -> None:
    """chmod a file or folder this process owns; leave others' (an operator's choice) alone."""
    try:
        if path.stat().st_uid == os.geteuid():
            path.chmod(mode)
    except OSError:
        pass


def private_file(path: Path, generate) -> str:
    """The stripped text of ``path``; created first (mode 0600) with ``generate()``.

    Concurrent first starts agree on one value: the new file is written aside and linked
    into place, which fails for all but the first.
    """
    if not path.exists():
        aside = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(generate())
        try:
            os.link(aside, path)
        except FileExistsError:
            pass
        finally:
            aside.unlink()
    path_mode_set(path, 0o600)
    return path.read_text().strip()


def secret_key() -> str:
    """SECRET_KEY from the environment, else generated once into the state folder."""
    return env_str("SECRET_KEY") or private_file(state_dir() / "secret_key", lambda: secrets.token_urlsafe(50))


def encryption_key() -> str:
    """ENCRYPTION_KEY (the key for secrets at rest) from the environment, else generated once
    into the state folder. Kept apart from SECRET_KEY: whoever learns the signing key cannot
    read stored secrets with it."""
    return env_str("ENCRYPTION_KEY") or private_file(state_dir() / "encryption_key",
                                                     lambda: secrets.token_urlsafe(32))
