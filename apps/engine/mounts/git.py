"""Git checkouts of processor repositories, cached by (redacted URL, commit).

Layout (``cache_dir`` is owned by this module)::

    cache_dir/<sha256(redacted url)[:16]>/refs.json        branch/tag -> commit cache
    cache_dir/<sha256(redacted url)[:16]>/<commit>/src     the checkout (detached HEAD)
    cache_dir/<sha256(redacted url)[:16]>/<commit>/src/.git/.ready

Invariants:
- a ``src`` directory only ever appears through an atomic ``os.rename`` of a
  fully cloned and checked-out temporary directory, and the ``.ready`` marker
  is written before that rename, so a ready checkout is never half-written;
- the warm path (commit known from a full SHA or from a fresh ``refs.json``
  entry, checkout ready) starts no process and touches no network;
- credentials never reach ``log`` or an error message: URLs and git's stderr
  go through :func:`repo_redact` / :func:`text_redact` first;
- credentials never reach the checkout, git's command line or a credential store:
  git gets the URL without them (that is what ``.git/config`` records) and asks for
  them through a per-command askpass script that reads them from its environment
  (:func:`_git_remote`), with every configured credential helper turned off.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import git as gitpython

from apps.processors.repositories import URL_USERINFO as _URL_USERINFO
from apps.processors.repositories import repo_redact, repo_split

from .errors import MountError

Log = Callable[[str], None]

READY_MARKER = ".ready"
REF_CACHE_FILE = "refs.json"
DEFAULT_REF_TTL = 60.0

_SCP_LIKE = re.compile(r"^[A-Za-z0-9._~-]+@[A-Za-z0-9.-]+:(?!//)")
_ALLOWED_SCHEMES = {"http", "https", "ssh", "git", "git+ssh", "ssh+git", "file"}
_FULL_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_SHORT_SHA = re.compile(r"^[0-9a-f]{4,63}$")


@dataclass(frozen=True)
class Checkout:
    """A ready checkout: ``path`` is the work tree, at detached HEAD ``commit``."""

    path: Path
    commit: str


def text_redact(text: str, *, url: str) -> str:
    """Redact every URL credential in ``text`` plus any literal secret of ``url``.

    Used on git's stderr, which may echo the URL (possibly re-encoded).
    """
    remote = repo_split(url)
    secrets = {part for part in (remote.username, remote.password) if len(part) >= 4}
    secrets |= {quote(part, safe="") for part in secrets}

    def _sub(found: re.Match[str]) -> str:
        return repo_redact(found.group(0) + "x")[:-1]

    text = _URL_USERINFO.sub(_sub, text)
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def repo_key(url: str) -> str:
    """Stable 16-hex-digit cache key of a repository URL (credentials ignored)."""
    return hashlib.sha256(repo_redact(url).encode("utf-8")).hexdigest()[:16]


def repo_checkout(
    *,
    url: str,
    ref: str | None,
    cache_dir: Path,
    log: Log,
    ref_ttl: float = DEFAULT_REF_TTL,
) -> Checkout:
    """Return a ready checkout of ``url`` at ``ref``, cloning it if needed.

    ``ref`` is a branch, a tag, a full or short commit SHA, or ``None`` for
    the remote's default branch. Branch/tag resolutions are remembered for
    ``ref_ttl`` seconds (0 = always ask the remote), so the warm path needs
    neither network nor a git process.

    Raises ``MountError(stage="clone")`` when the repository cannot be reached
    or cloned, ``MountError(stage="checkout")`` when ``ref`` does not exist.
    """
    _url_validate(url)
    _ref_validate(ref)
    repo_dir = Path(cache_dir) / repo_key(url)
    commit = _commit_known(repo_dir=repo_dir, ref=ref, ref_ttl=ref_ttl)
    if commit and _ready(repo_dir / commit / "src"):
        return Checkout(path=repo_dir / commit / "src", commit=commit)
    repo_dir.mkdir(parents=True, exist_ok=True)
    if commit is None:
        commit = _commit_remote(url=url, ref=ref, repo_dir=repo_dir, log=log)
    if commit is not None:
        return _clone_ready(url=url, rev=commit, repo_dir=repo_dir, log=log)
    # a short SHA: a ready local checkout or a clone expands it; remember it like a ref
    local = _local_prefix_match(repo_dir=repo_dir, prefix=ref or "")
    if local:
        checkout = Checkout(path=repo_dir / local / "src", commit=local)
    else:
        checkout = _clone_ready(url=url, rev=ref or "HEAD", repo_dir=repo_dir, log=log)
    _ref_cache_put(repo_dir=repo_dir, ref=ref, commit=checkout.commit)
    return checkout


def _ready(src: Path) -> bool:
    return (src / ".git" / READY_MARKER).is_file()


def _url_validate(url: str) -> None:
    redacted = repo_redact(url)
    if not url or url.startswith("-") or any(ch.isspace() for ch in url):
        raise MountError(stage="clone", message=f"invalid repository URL {redacted!r}")
    if _SCP_LIKE.match(repo_split(url).url):
        return
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in _ALLOWED_SCHEMES:
        raise MountError(
            stage="clone",
            message=f"unsupported repository URL {redacted!r}: use an https://, ssh://, "
            "git://, file:// or user@host:path URL",
        )


def _ref_validate(ref: str | None) -> None:
    if ref is None:
        return
    bad = not ref or ref.startswith("-") or len(ref) > 255
    if bad or any(ch.isspace() or ord(ch) < 32 or ch in "~^:?*[\\" for ch in ref):
        raise MountError(stage="checkout", message=f"invalid git ref {ref!r}")


def _commit_known(*, repo_dir: Path, ref: str | None, ref_ttl: float) -> str | None:
    """The commit for ``ref`` known without network: a full SHA or a fresh cached resolution."""
    if ref is not None and _FULL_SHA.match(ref.lower()):
        return ref.lower()
    if ref_ttl <= 0:
        return None
    try:
        entry = json.loads((repo_dir / REF_CACHE_FILE).read_text("utf-8")).get(ref or "")
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("commit"), str):
        return None
    if time.time() - float(entry.get("at", 0)) > ref_ttl:
        return None
    return entry["commit"]


def _ref_cache_put(*, repo_dir: Path, ref: str | None, commit: str) -> None:
    path = repo_dir / REF_CACHE_FILE
    try:
        data = json.loads(path.read_text("utf-8"))
        data = data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        data = {}
    data[ref or ""] = {"commit": commit, "at": time.time()}
    fd, tmp = tempfile.mkstemp(dir=repo_dir, prefix=".refs-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    os.replace(tmp, path)


def _git_env(*, ssh_password: bool = False) -> dict[str, str]:
    """Extra environment for git: never prompt on a terminal, never hang on ssh (an ssh
    password, when one is given, comes from the askpass script only)."""
    env = {"GIT_TERMINAL_PROMPT": "0", "GCM_INTERACTIVE": "never"}
    if "GIT_SSH_COMMAND" not in os.environ and "GIT_SSH" not in os.environ:
        batch = "-o BatchMode=no -o NumberOfPasswordPrompts=1" if ssh_password else "-o BatchMode=yes"
        env["GIT_SSH_COMMAND"] = f"ssh {batch}"
    return env


# Answers git's (and ssh's) prompts from the environment it is started with; a host-key
# question is answered "no" so a password is never typed into it.
ASKPASS_SCRIPT = """#!/bin/sh
case "$1" in
  Username*) printf '%s\\n' "$ELASTICCODE_GIT_USERNAME" ;;
  *yes/no*|*fingerprint*) echo no ;;
  *) printf '%s\\n' "$ELASTICCODE_GIT_PASSWORD" ;;
esac
"""


def _credential_env(*, username: str, password: str, askpass: Path) -> dict[str, str]:
    """Environment that hands the credentials to this one git command: the askpass script
    answers git's and ssh's prompts, and no credential helper may store or supply any."""
    return {
        "GIT_ASKPASS": str(askpass), "SSH_ASKPASS": str(askpass), "SSH_ASKPASS_REQUIRE": "force",
        "ELASTICCODE_GIT_USERNAME": username, "ELASTICCODE_GIT_PASSWORD": password,
        "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "credential.helper", "GIT_CONFIG_VALUE_0": "",
    }


@contextlib.contextmanager
def _git_remote(url: str) -> Iterator[tuple[str, dict[str, str]]]:
    """``(url for git, environment)`` for one git command on ``url``.

    The URL has no credentials (it is what ``git clone`` records in ``.git/config``);
    they travel in the environment of that command only, read by an askpass script that
    lives in a private directory for the command's duration.
    """
    remote = repo_split(url)
    is_ssh = "://" not in remote.url or remote.url.split("://", 1)[0].lower() in {"ssh", "git+ssh", "ssh+git"}
    env = _git_env(ssh_password=is_ssh and bool(remote.password))
    if not remote.has_credentials:
        yield remote.url, env
        return
    with tempfile.TemporaryDirectory(prefix="elasticcode-askpass-") as private:
        askpass = Path(private) / "askpass"
        askpass.write_text(ASKPASS_SCRIPT, encoding="utf-8")
        askpass.chmod(0o700)
        env.update(_credential_env(username=remote.username, password=remote.password, askpass=askpass))
        yield remote.url, env


def _git_stderr(exc: Exception, *, url: str) -> str:
    """git's own error lines from a GitPython exception, redacted and short."""
    raw = getattr(exc, "stderr", "") or str(exc)
    raw = raw.strip()
    if raw.startswith("stderr:"):
        raw = raw[len("stderr:"):].strip().strip("'")
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("Cloning into")]
    return text_redact("\n".join(lines[-10:]) or type(exc).__name__, url=url)


def _ls_remote(*, url: str, repo_dir: Path) -> dict[str, str]:
    """Map every remote ref name (plus ``HEAD``) to its commit SHA."""
    try:
        with _git_remote(url) as (remote_url, env):
            out = str(gitpython.Git(str(repo_dir)).ls_remote(
                "--", remote_url, env=env, kill_after_timeout=120
            ))  # str already; GitPython types every command's return as its union of outputs
    except (gitpython.GitCommandError, OSError) as exc:
        raise MountError(
            stage="clone",
            message=f"could not reach repository {repo_redact(url)}: {_git_stderr(exc, url=url)}",
        ) from None
    refs: dict[str, str] = {}
    for line in out.splitlines():
        sha, _, name = line.partition("\t")
        if sha and name:
            refs[name.strip()] = sha.strip()
    return refs


def _ref_lookup(refs: dict[str, str], ref: str | None) -> str | None:
    """Resolve like ``git rev-parse`` does: exact ref, then tags (peeled), then branches."""
    if ref is None:
        return refs.get("HEAD")
    for name in (ref, f"refs/{ref}", f"refs/tags/{ref}", f"refs/heads/{ref}"):
        peeled = refs.get(f"{name}^{{}}")
        if peeled or name in refs:
            return peeled or refs[name]
    return None


def _commit_remote(*, url: str, ref: str | None, repo_dir: Path, log: Log) -> str | None:
    """Ask the remote for ``ref``; ``None`` means "looks like a short SHA, clone to expand"."""
    log(f"resolving {ref or 'default branch'} in {repo_redact(url)}")
    refs = _ls_remote(url=url, repo_dir=repo_dir)
    commit = _ref_lookup(refs, ref)
    if commit:
        _ref_cache_put(repo_dir=repo_dir, ref=ref, commit=commit)
        return commit
    if ref is None:
        raise MountError(
            stage="checkout",
            message=f"repository {repo_redact(url)} has no default branch (is it empty?)",
        )
    if _SHORT_SHA.match(ref.lower()):
        return None
    raise MountError(
        stage="checkout",
        message=f"ref {ref!r} not found in {repo_redact(url)}: no branch or tag has that "
        "name and it is not a commit SHA",
    )


def _local_prefix_match(*, repo_dir: Path, prefix: str) -> str | None:
    """The unique ready local commit starting with ``prefix``, if any."""
    prefix = prefix.lower()
    try:
        names = [p.name for p in repo_dir.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return None
    ready = [name for name in names if _FULL_SHA.match(name) and _ready(repo_dir / name / "src")]
    return ready[0] if len(ready) == 1 else None


def _clone_ready(*, url: str, rev: str, repo_dir: Path, log: Log) -> Checkout:
    """Clone into a temp dir, check out ``rev`` detached, then rename into place."""
    tmp = Path(tempfile.mkdtemp(dir=repo_dir, prefix=".clone-"))
    try:
        commit = _clone_into(url=url, rev=rev, target=tmp / "src", log=log)
        final = repo_dir / commit / "src"
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(tmp / "src", final)
        except OSError:
            if not _ready(final):  # not a lost race: something is really wrong
                raise MountError(
                    stage="checkout", message=f"could not move checkout into {final}"
                ) from None
        log(f"checked out {commit[:12]} of {repo_redact(url)}")
        return Checkout(path=final, commit=commit)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _clone_into(*, url: str, rev: str, target: Path, log: Log) -> str:
    """Clone ``url`` into ``target`` at ``rev``; returns the full commit SHA."""
    log(f"cloning {repo_redact(url)}")
    try:
        with _git_remote(url) as (remote_url, env):
            repo = gitpython.Repo.clone_from(remote_url, str(target), no_checkout=True, env=env)
    except (gitpython.GitCommandError, OSError) as exc:
        raise MountError(
            stage="clone",
            message=f"could not clone {repo_redact(url)}: {_git_stderr(exc, url=url)}",
        ) from None
    try:
        try:
            commit = repo.git.rev_parse("--verify", "--quiet", f"{rev}^{{commit}}")
        except gitpython.GitCommandError:
            raise MountError(
                stage="checkout",
                message=f"{rev!r} is not a branch, tag or commit of {repo_redact(url)}",
            ) from None
        try:
            repo.git.checkout("--detach", commit)
        except gitpython.GitCommandError as exc:
            raise MountError(
                stage="checkout",
                message=f"could not check out {commit[:12]}: {_git_stderr(exc, url=url)}",
            ) from None
        (target / ".git" / READY_MARKER).write_text(commit + "\n", encoding="utf-8")
        return commit.strip()
    finally:
        repo.close()
