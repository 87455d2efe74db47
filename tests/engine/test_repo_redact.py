"""repo_redact / text_redact / repo_key: credentials never survive, the rest does."""

from __future__ import annotations

import pytest

from apps.engine.mounts.git import repo_key, repo_redact, text_redact


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://user:hunter22@github.com/org/repo.git", "https://***@github.com/org/repo.git"),
        ("https://ghp_abcdef123456@github.com/org/repo.git", "https://***@github.com/org/repo.git"),
        ("http://alice:pw@10.0.0.1:8080/r.git", "http://***@10.0.0.1:8080/r.git"),
        ("https://user:p@ss@host.example/r.git", "https://***@host.example/r.git"),
        ("HTTPS://oauth2:tok3n@gitlab.com/a/b", "HTTPS://***@gitlab.com/a/b"),
        ("ssh://deploy:s3cret@host.example/r.git", "ssh://***@host.example/r.git"),
        ("git+ssh://deploy:s3cret@host.example/r.git", "git+ssh://***@host.example/r.git"),
    ],
)
def test_credentials_are_replaced(url: str, expected: str) -> None:
    assert repo_redact(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/org/repo.git",
        "https://github.com/org/re@po.git",
        "ssh://git@github.com/org/repo.git",
        "git@github.com:org/repo.git",
        "file:///tmp/some/repo.git",
        "/srv/git/repo.git",
    ],
)
def test_urls_without_secrets_are_unchanged(url: str) -> None:
    assert repo_redact(url) == url


def test_text_redact_cleans_git_stderr() -> None:
    url = "https://bob:topsecret%21@git.example/r.git"
    stderr = (
        "fatal: unable to access 'https://bob:topsecret%21@git.example/r.git/': "
        "The requested URL returned error: 403 for topsecret!"
    )
    cleaned = text_redact(stderr, url=url)
    assert "topsecret" not in cleaned
    assert "https://***@git.example/r.git/" in cleaned


def test_repo_key_ignores_credentials_but_not_the_repository() -> None:
    first = repo_key("https://old-token@github.com/org/repo.git")
    assert first == repo_key("https://new-token@github.com/org/repo.git")
    assert first != repo_key("https://github.com/org/other.git")
    assert len(first) == 16
