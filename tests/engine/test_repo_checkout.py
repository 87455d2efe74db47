"""repo_checkout: branches, tags, SHAs, errors, caching, and no credential leaks."""

from __future__ import annotations

from pathlib import Path

import git
import pytest

from apps.engine.mounts import MountError, repo_checkout
from apps.engine.mounts.git import repo_key


def checkout(repo, ref, cache: Path, **kwargs):
    lines: list[str] = []
    result = repo_checkout(url=repo.url, ref=ref, cache_dir=cache, log=lines.append, **kwargs)
    return result, lines


def head_of(path: Path) -> tuple[str, bool]:
    repo = git.Repo(path)
    try:
        return repo.head.commit.hexsha, repo.head.is_detached
    finally:
        repo.close()


def test_branch_checkout_layout(example_repo, tmp_path):
    result, lines = checkout(example_repo, "main", tmp_path)
    commit = example_repo.commits["main"]
    assert result.commit == commit
    assert result.path == tmp_path / repo_key(example_repo.url) / commit / "src"
    assert (result.path / "elasticcode_examples" / "sample.py").is_file()
    assert (result.path / "NOTES.md").is_file()
    assert (result.path / ".git" / ".ready").is_file()
    assert head_of(result.path) == (commit, True)
    assert any("cloning" in line for line in lines)
    assert not [p for p in result.path.parent.parent.iterdir() if p.name.startswith(".clone-")]


@pytest.mark.parametrize(("ref", "expected"), [("v1", "v1"), ("feature", "initial"), (None, "main")])
def test_tag_branch_and_default_branch(example_repo, tmp_path, ref, expected):
    result, _ = checkout(example_repo, ref, tmp_path)
    assert result.commit == example_repo.commits[expected]
    assert head_of(result.path)[0] == example_repo.commits[expected]
    assert (result.path / "NOTES.md").exists() == (expected == "main")


def test_full_and_short_commit_sha(example_repo, tmp_path):
    sha = example_repo.commits["initial"]
    full, _ = checkout(example_repo, sha, tmp_path)
    short, _ = checkout(example_repo, sha[:8], tmp_path / "other")
    assert full.commit == short.commit == sha
    assert head_of(short.path) == (sha, True)


def test_short_sha_reuses_a_ready_checkout(example_repo, tmp_path, monkeypatch, request):
    sha = example_repo.commits["initial"]
    checkout(example_repo, sha, tmp_path)
    monkeypatch.setattr(git.Repo, "clone_from", classmethod(lambda *a, **k: pytest.fail("cloned again")))
    again, _ = checkout(example_repo, sha[:10], tmp_path)
    assert again.commit == sha
    request.getfixturevalue("no_subprocess")  # now remembered: no ls-remote either
    assert checkout(example_repo, sha[:10], tmp_path)[0] == again


@pytest.mark.parametrize("ref", ["no-such-branch", "feature/missing", "0123abcd"])
def test_unknown_ref_is_a_checkout_error(example_repo, tmp_path, ref):
    with pytest.raises(MountError) as info:
        checkout(example_repo, ref, tmp_path)
    assert info.value.stage == "checkout"
    assert repr(ref) in str(info.value)


def test_unknown_full_sha_is_a_checkout_error(example_repo, tmp_path):
    with pytest.raises(MountError) as info:
        checkout(example_repo, "f" * 40, tmp_path)
    assert info.value.stage == "checkout"
    assert "ffffffff" in info.value.message


@pytest.mark.parametrize("ref", ["--upload-pack=touch /tmp/x", "a b", "main~1"])
def test_dangerous_refs_are_refused(example_repo, tmp_path, ref):
    with pytest.raises(MountError) as info:
        checkout(example_repo, ref, tmp_path)
    assert info.value.stage == "checkout"
    assert "invalid git ref" in info.value.message


def test_missing_repository_is_a_clone_error(tmp_path):
    url = (tmp_path / "nowhere.git").as_uri()
    with pytest.raises(MountError) as info:
        repo_checkout(url=url, ref="main", cache_dir=tmp_path / "cache", log=lambda line: None)
    assert info.value.stage == "clone"
    assert "nowhere.git" in info.value.message


@pytest.mark.parametrize("url", ["ext::sh -c touch% /tmp/pwned", "-uhello", "ftp://host/x.git"])
def test_unsupported_urls_are_refused(tmp_path, url):
    with pytest.raises(MountError) as info:
        repo_checkout(url=url, ref=None, cache_dir=tmp_path, log=lambda line: None)
    assert info.value.stage == "clone"


def test_credentials_never_reach_logs_or_errors(tmp_path):
    url = "http://deploy:sup3rs3cret@127.0.0.1:9/org/repo.git"  # port 9: nothing listens
    lines: list[str] = []
    with pytest.raises(MountError) as info:
        repo_checkout(url=url, ref="main", cache_dir=tmp_path, log=lines.append)
    assert info.value.stage == "clone"
    everything = "\n".join([*lines, info.value.message, repr(info.value)])
    assert "sup3rs3cret" not in everything
    assert "deploy" not in everything
    assert "http://***@127.0.0.1:9/org/repo.git" in everything
    assert not any("sup3rs3cret" in p.name for p in tmp_path.rglob("*"))


def test_warm_checkout_starts_no_process(example_repo, tmp_path, request):
    first, _ = checkout(example_repo, "main", tmp_path)
    by_sha, _ = checkout(example_repo, first.commit, tmp_path, ref_ttl=0)
    request.getfixturevalue("no_subprocess")
    again, lines = checkout(example_repo, "main", tmp_path)
    pinned, _ = checkout(example_repo, first.commit, tmp_path, ref_ttl=0)
    assert again == first == pinned == by_sha
    assert lines == []


def test_moving_branch_is_seen_when_ttl_expires(repo_factory, tmp_path):
    repo = repo_factory({"mod.py": "def f():\n    return 1\n"})
    first, _ = checkout(repo, "main", tmp_path)
    newer = repo.commit_files(files={"mod.py": "def f():\n    return 2\n"}, message="second")
    cached, _ = checkout(repo, "main", tmp_path)  # within the TTL: the remembered commit
    fresh, _ = checkout(repo, "main", tmp_path, ref_ttl=0)
    assert cached.commit == first.commit != newer
    assert fresh.commit == newer
    assert "return 2" in (fresh.path / "mod.py").read_text()
    assert "return 1" in (first.path / "mod.py").read_text()
