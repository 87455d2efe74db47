"""Credentials in a repository URL reach git for one command and nothing else: not the
checkout (its ``.git/config`` sits in the runner's working directory), not git's command
line, not a credential store. The attacker is the processor's own code, which can read
its checkout."""

from __future__ import annotations

import base64
import os
import subprocess
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from apps.engine.mounts import repo_checkout
from apps.engine.mounts.git import _git_remote

PASSWORD = "s3cret-Pa55word"


def _leaks(root: Path, secret: str) -> list[str]:
    """Files under ``root`` (the checkout, its .git included) that hold ``secret``."""
    found = []
    for path in root.rglob("*"):
        if path.is_file() and secret.encode() in path.read_bytes():
            found.append(str(path.relative_to(root)))
    return found


def test_a_file_url_with_credentials_leaves_none_in_the_checkout(example_repo, tmp_path):
    url = example_repo.url.replace("file://", f"file://deployer:{PASSWORD}@", 1)
    checkout = repo_checkout(url=url, ref="main", cache_dir=tmp_path, log=lambda line: None)
    config = (checkout.path / ".git" / "config").read_text()
    assert PASSWORD not in config and "deployer" not in config
    assert f"url = {example_repo.url}" in config
    assert _leaks(tmp_path, PASSWORD) == []


class _BasicAuthHandler(SimpleHTTPRequestHandler):
    """Serves a bare repository over git's dumb HTTP protocol, to ``joe`` only."""

    expected = "Basic " + base64.b64encode(f"joe:{PASSWORD}".encode()).decode()
    seen: list[str] = []

    def do_GET(self) -> None:
        self.seen.append(self.headers.get("Authorization", ""))
        if self.headers.get("Authorization") != self.expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def private_http_repo(example_repo):
    """``example_repo`` served at http://127.0.0.1:<port>/bare.git, behind Basic auth."""
    subprocess.run(["git", "update-server-info"], cwd=example_repo.bare, check=True)
    handler = partial(_BasicAuthHandler, directory=str(example_repo.bare.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _BasicAuthHandler.seen = []
    yield f"http://127.0.0.1:{server.server_port}/bare.git"
    server.shutdown()
    server.server_close()


def test_https_credentials_reach_git_but_not_the_checkout(private_http_repo, example_repo, tmp_path):
    url = private_http_repo.replace("http://", f"http://joe:{PASSWORD}@", 1)
    lines: list[str] = []
    checkout = repo_checkout(url=url, ref="main", cache_dir=tmp_path, log=lines.append)
    assert checkout.commit == example_repo.commits["main"]
    assert _BasicAuthHandler.expected in _BasicAuthHandler.seen  # git authenticated
    config = (checkout.path / ".git" / "config").read_text()
    assert PASSWORD not in config and "joe" not in config
    assert f"url = {private_http_repo}" in config
    assert _leaks(tmp_path, PASSWORD) == []
    assert PASSWORD not in "\n".join(lines)


def test_without_the_credentials_the_private_repository_is_refused(private_http_repo, tmp_path):
    from apps.engine.mounts import MountError

    with pytest.raises(MountError) as info:
        repo_checkout(url=private_http_repo, ref="main", cache_dir=tmp_path, log=lambda line: None)
    assert info.value.stage == "clone"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"https://joe:{PASSWORD}@git.example/r.git", "https://git.example/r.git"),
        (f"ssh://deploy:{PASSWORD}@git.example/r.git", "ssh://deploy@git.example/r.git"),
        (f"deploy:{PASSWORD}@git.example:org/r.git", "deploy@git.example:org/r.git"),
        (f"git://joe:{PASSWORD}@git.example/r.git", "git://git.example/r.git"),
    ],
)
def test_git_gets_the_url_without_credentials_and_them_from_askpass(url, expected):
    with _git_remote(url) as (remote_url, env):
        assert remote_url == expected  # the command line and .git/config
        assert env["ELASTICCODE_GIT_PASSWORD"] == PASSWORD
        askpass = Path(env["GIT_ASKPASS"])
        assert env["SSH_ASKPASS"] == str(askpass) and PASSWORD not in askpass.read_text()
        assert (env["GIT_CONFIG_KEY_0"], env["GIT_CONFIG_VALUE_0"]) == ("credential.helper", "")
        answer = subprocess.run([str(askpass), "Password for 'https://joe@git.example': "],
                                env={**os.environ, **env}, capture_output=True, text=True, check=True)
        assert answer.stdout == PASSWORD + "\n"
        if expected.startswith(("ssh://", "deploy@")) and "GIT_SSH_COMMAND" not in os.environ:
            assert "BatchMode=no" in env["GIT_SSH_COMMAND"]
    assert not askpass.exists()  # gone with the command
