"""Git repository URLs: splitting credentials out, redacting them, and the trust rules.

Pure functions (no ORM) so the engine and the runner side can share them.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

from apps.processors.repository_urls import UrlTrick, pattern_canonical, repo_canonical

_SCP_LIKE = re.compile(r"^(?P<user>[^@/]+)@(?P<host>[^:/]+):(?P<path>.+)$")
SCHEMES = {"https", "http", "ssh", "git", "git+ssh", "ssh+git", "file"}
SSH_SCHEMES = {"ssh", "git+ssh", "ssh+git"}
URL_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/\s@]*(?:@[^/\s@]*)*)@")


class RepositoryUrlError(ValueError):
    """The URL is not a git repository URL the platform accepts."""


@dataclass(frozen=True)
class RuleSet:
    allow: tuple[str, ...]
    deny: tuple[str, ...]
    allow_file: bool


def repo_validate(url: str) -> None:
    url = url.strip()
    if not url:
        raise RepositoryUrlError("A git repository URL is required.")
    if _SCP_LIKE.match(url):
        _tricks_refuse(url)
        return
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise RepositoryUrlError(
            f"'{repo_redact(url)}' is not a git URL: use https://, ssh://, git:// or file://."
        )
    if parts.scheme != "file" and not parts.hostname:
        raise RepositoryUrlError(f"'{repo_redact(url)}' has no host.")
    if parts.scheme == "file" and not parts.path:
        raise RepositoryUrlError("A file:// URL needs a path.")
    _tricks_refuse(url)


def _tricks_refuse(url: str) -> None:
    try:
        repo_canonical(url)
    except UrlTrick as trick:
        raise RepositoryUrlError(f"'{repo_redact(url)}' is refused: {trick}.") from None


def repo_redact(url: str) -> str:
    """Return ``url`` with credentials replaced by ``***``.

    ``https://user:pw@host/x`` and ``https://token@host/x`` become
    ``https://***@host/x``; ``ssh://user:pw@host/x`` becomes ``ssh://***@host/x``
    and ``user:pw@host:x`` becomes ``***@host:x``. A bare ssh user name
    (``ssh://git@host/x``, ``git@host:x``) is not a secret and is kept.
    Everything else in the URL is unchanged.
    """
    match = URL_USERINFO.match(url)
    if not match:
        scp = _SCP_LIKE.match(url)
        if scp and ":" in scp.group("user"):
            return f"***@{url[scp.start('host'):]}"
        return url
    scheme = match.group("scheme")[:-3].lower()
    userinfo = match.group("userinfo")
    if scheme in SSH_SCHEMES and ":" not in userinfo:
        return url
    return f"{match.group('scheme')}***@{url[match.end():]}"


@dataclass(frozen=True)
class RepoRemote:
    """What git is given for a repository URL: ``url`` carries no secret (an ssh user name
    stays in it, it is not one); ``username`` and ``password`` (clear, percent-decoded)
    are handed to git per command, never written anywhere."""

    url: str
    username: str = ""
    password: str = ""

    @property
    def has_credentials(self) -> bool:
        return bool(self.username or self.password)


def repo_split(url: str) -> RepoRemote:
    """Split the credentials out of a repository URL (any scheme, and scp-like addresses)."""
    url = url.strip()
    scp = _SCP_LIKE.match(url)
    if scp and "://" not in url:
        user, _, password = scp.group("user").partition(":")
        return RepoRemote(url=f"{user}@{url[scp.start('host'):]}", password=password)
    match = URL_USERINFO.match(url)
    if not match:
        return RepoRemote(url=url)
    user, _, password = match.group("userinfo").partition(":")
    rest = url[match.end():]
    if match.group("scheme")[:-3].lower() in SSH_SCHEMES:
        return RepoRemote(url=f"{match.group('scheme')}{user}@{rest}", password=unquote(password))
    return RepoRemote(url=f"{match.group('scheme')}{rest}", username=unquote(user), password=unquote(password))


def repo_has_credentials(url: str) -> bool:
    """Whether the URL carries a secret (a password or token, not a bare ssh user name)."""
    return repo_split(url).has_credentials


def repo_public(url: str) -> str:
    """The URL with credentials removed altogether (what matching and display use)."""
    parts = urlsplit(url)
    if parts.scheme and "@" in parts.netloc:
        host = parts.netloc.rsplit("@", 1)[1]
        return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return repo_split(url).url  # an scp-like address loses its password, keeps its user


def repo_trust_problem(url: str, rules: RuleSet) -> str | None:
    """Why the repository may not be used, or None when a rule allows it.

    Rules match the canonical URL (``repository_urls``): a URL that hides where it points is
    refused, whatever the rules say. ``file://`` needs the ALLOW_FILE_REPOSITORIES setting;
    a matching deny rule (matched ignoring case, as hosts do for names) wins over any allow
    rule; without a matching allow rule the repository is not trusted.
    """
    public = repo_public(url.strip())
    try:
        canonical = repo_canonical(url)
    except UrlTrick as trick:
        return f"Repository '{public}' is refused: {trick}."
    if urlsplit(public).scheme == "file" and not rules.allow_file:
        return "file:// repositories are not allowed on this platform (ALLOW_FILE_REPOSITORIES is off)."
    for pattern in rules.deny:
        if fnmatch.fnmatchcase(canonical.lower(), pattern_canonical(pattern).lower()):
            return f"Repository '{public}' is denied by the trust rule '{pattern}'."
    if any(fnmatch.fnmatchcase(canonical, pattern_canonical(pattern)) for pattern in rules.allow):
        return None
    return (
        f"Repository '{public}' is not trusted: no trusted-repository rule allows it. "
        "An admin can add one (flow add repository, or the Admin pages)."
    )
