"""The data migration that takes credentials stored in clear out of repository URLs."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from apps.core.crypto import secret_decrypt
from tests.factories import make_processor, make_task

pytestmark = pytest.mark.django_db

migration = importlib.import_module("apps.processors.migrations.0004_s4_repository_credentials")


def test_clear_credentials_move_into_the_encrypted_field():
    url = "ssh://deploy:old-pa55word@git.example/acme/r.git"
    leaky = make_processor(gitrepo=url)
    task = make_task(leaky, gitrepo=url)
    already = make_processor(gitrepo="https://***@github.com/acme/r.git", gitrepo_secret="kept")
    plain = make_processor(gitrepo="ssh://git@github.com/acme/r.git")

    migration.credentials_encrypt(apps, None)

    leaky.refresh_from_db()
    task.refresh_from_db()
    assert leaky.gitrepo == task.gitrepo == "ssh://***@git.example/acme/r.git"
    assert secret_decrypt(leaky.gitrepo_secret) == url
    already.refresh_from_db()
    plain.refresh_from_db()
    assert (already.gitrepo, already.gitrepo_secret) == ("https://***@github.com/acme/r.git", "kept")
    assert (plain.gitrepo, plain.gitrepo_secret) == ("ssh://git@github.com/acme/r.git", "")
