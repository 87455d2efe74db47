"""The canonical form of a git URL that trust rules match, and the URL git really fetches.

A rule like ``https://host/trusted/*`` must not pass ``https://host/trusted/../evil.git``
(curl and servers resolve the dot segments), ``https://HOST:443/evil`` past a deny rule, or
an ``insteadOf`` rewrite in git's configuration. So URLs with tricks (dot segments, encoded
slashes, backslashes, empty segments, queries, fragments, control characters) are refused
outright, and what is matched is canonical: lower-case scheme and host (no trailing dot),
no credentials, no default port, percent-escapes decoded, no trailing slashes or ``.git``;
``user@host:path`` is matched as ``ssh://host/path``.

Pure functions except ``repo_fetch_url``, which asks git (no network).
"""

from __future__ import annotations

import os
import re
import subprocess
from urllib.parse import unquote

_SCP_LIKE = re.compile(r"^(?P<user>[^@/]+)@(?P<host>[^:/]+):(?P<path>.+)$")
DEFAULT_PORTS = {"https": 443, "http": 80, "ssh": 22, "git+ssh": 22, "ssh+git": 22, "git": 9418}
_BAD_ESCAPES = re.compile(r"%(2f|5c|00|0[1-9a-f]|1[0-9a-f]|7f)", re.IGNORECASE)


class UrlTrick(ValueError):
    """The URL hides where it points (dot segments, encoded slashes, ...)."""


def repo_canonical(url: str) -> str:
    """The canonical form of ``url`` (see the module docstring); raises ``UrlTrick``."""
    return _canonical(url.strip(), strict=True)


def pattern_canonical(pattern: str) -> str:
    """A trust rule's glob in the same canonical form (never raises)."""
    try:
        return _canonical(pattern.strip(), strict=False)
    except UrlTrick:  # pragma: no cover - not strict
        return pattern.strip()


def _canonical(url: str, *, strict: bool) -> str:
    scp = _SCP_LIKE.match(url) if "://" not in url else None
    if scp:
        scheme, host, path = "ssh", scp.group("host"), "/" + scp.group("path").lstrip("/")
    elif "://" in url:
        scheme, _, rest = url.partition("://")
        netloc, slash, path = rest.partition("/")
        scheme, host, path = scheme.lower(), netloc.rsplit("@", 1)[-1], slash + path
    elif strict:
        raise UrlTrick("a repository URL names its scheme (https://, ssh://, ...) or is user@host:path")
    else:
        return url
    if strict and ("?" in host + path or "#" in host + path):
        raise UrlTrick("a repository URL has no query (?) or fragment (#)")
    host, port = _host_port(host)
    if port is not None and DEFAULT_PORTS.get(scheme) == port:
        port = None
    if strict:
        _path_check(path)
    host = unquote(host).lower().rstrip(".")
    netloc = f"{host}:{port}" if port is not None else host
    return f"{scheme}://{netloc}{_strip_suffixes(unquote(path))}"


def _host_port(netloc: str) -> tuple[str, int | None]:
    """Split ``host:port`` (``[v6]:port`` too); a port that is not a number stays in the host."""
    host, sep, port = netloc.rpartition(":")
    if sep and port.isdigit() and (not host.startswith("[") or host.endswith("]")):
        return host, int(port)
    return netloc, None


def _path_check(path: str) -> None:
    if any(ord(ch) < 32 or ord(ch) == 127 or ch.isspace() for ch in path) or "\\" in path:
        raise UrlTrick("a repository URL has no spaces, control characters or backslashes")
    if _BAD_ESCAPES.search(path):
        raise UrlTrick("a repository URL has no encoded slashes, backslashes or control characters")
    segments = unquote(path).split("/")[1:]
    if any(segment in (".", "..") for segment in segments):
        raise UrlTrick("a repository URL has no '.' or '..' segments: name the repository directly")
    if any(segment == "" for segment in segments[:-1]):
        raise UrlTrick("a repository URL has no empty segments (//)")


def _strip_suffixes(path: str) -> str:
    """Without trailing slashes and one ``.git`` (hosts serve ``x`` and ``x.git`` alike)."""
    path = path.rstrip("/")
    return (path[:-4] if path.lower().endswith(".git") else path).rstrip("/")


def repo_fetch_url(url: str) -> str:
    """The URL git fetches for ``url`` on this machine (after ``url.*.insteadOf`` rewrites).

    Contains the credentials of ``url``: never log or show it. Falls back to ``url`` when git
    cannot say (not installed, timed out).
    """
    if not url.strip() or url.startswith("-"):
        return url
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    try:  # from "/": the machine's git configuration, not some repository's own
        result = subprocess.run(["git", "ls-remote", "--get-url", "--", url], capture_output=True, text=True,
                                timeout=10, env=env, check=False, stdin=subprocess.DEVNULL, cwd="/")
    except (OSError, subprocess.SubprocessError):
        return url
    fetched = result.stdout.strip()
    return fetched if result.returncode == 0 and fetched else url
