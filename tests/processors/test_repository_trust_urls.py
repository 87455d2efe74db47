"""Trust rules match the URL git really fetches, in a canonical form. Tried as a user holding
only ADD_PROCESSOR: every URL that hides where it points, or slips past a deny rule by its
spelling or by a rewrite in git's configuration, is a 400 on ``gitrepo``; nothing is saved."""

from __future__ import annotations

import pytest

from apps.processors.models import Processor, RuleKind, TrustedRepository
from tests.fixtures.api import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(api_as):
    return api_as(make_user("ADD_PROCESSOR"))


def create(client, url: str):
    return client.post("/api/processors/", {"name": "p", "module": "pkg.tools", "gitrepo": url}, format="json")


def refused(response) -> str:
    assert response.status_code == 400, response.content
    assert not Processor.objects.exists()
    return response.json()["detail"]["gitrepo"][0]


@pytest.mark.parametrize("url", [
    "https://host.example/trusted/../evil.git",
    "https://host.example/trusted/%2e%2e/evil.git",
    "https://host.example/trusted/%2E./evil.git",
    "https://host.example/trusted/./../evil.git",
    "https://host.example/trusted/x/..",
    "https://host.example/trusted/..%2fevil.git",
    "https://host.example/trusted//../evil.git",
    "https://host.example/trusted/x.git?../../evil.git",
    "ssh://git@host.example/trusted/../evil.git",
    "git@host.example:trusted/../evil.git",
])
def test_a_url_that_climbs_out_of_a_trusted_path_is_refused(author, url):
    TrustedRepository.objects.create(name="trusted", pattern="https://host.example/trusted/*")
    TrustedRepository.objects.create(name="trusted-ssh", pattern="ssh://host.example/trusted/*")
    TrustedRepository.objects.create(name="trusted-scp", pattern="git@host.example:trusted/*")
    message = refused(create(author, url))
    assert "refused" in message or "not trusted" in message


@pytest.mark.parametrize("url", [
    "https://GITHUB.com/evil/tools.git",
    "https://github.com:443/evil/tools.git",
    "https://github.com./evil/tools.git",
    "https://github.com/%65vil/tools.git",
    "https://github.com/Evil/tools.git",
])
def test_a_deny_rule_is_not_dodged_by_spelling_the_url_differently(author, url):
    TrustedRepository.objects.create(name="https", pattern="https://*")
    TrustedRepository.objects.create(name="evil", pattern="https://github.com/evil/*", kind=RuleKind.DENY)
    assert "denied by the trust rule" in refused(create(author, url))


def test_a_rule_matches_the_url_git_fetches_after_insteadof(author, monkeypatch):
    TrustedRepository.objects.create(name="acme", pattern="https://github.com/acme/*")
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "url.https://evil.example/.insteadOf")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "https://github.com/acme/")
    message = refused(create(author, "https://github.com/acme/tools.git"))
    assert "https://evil.example/tools.git" in message and "not trusted" in message


@pytest.mark.parametrize("url", ["https://GitHub.com:443/acme/tools/", "git@github.com:acme/tools.git"])
def test_canonical_spellings_of_a_trusted_url_are_accepted(author, url):
    TrustedRepository.objects.create(name="acme", pattern="https://github.com/acme/*")
    TrustedRepository.objects.create(name="acme-ssh", pattern="ssh://github.com/acme/*")
    assert create(author, url).status_code == 201
