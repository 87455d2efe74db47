"""Secrets belong to processors: only a holder of ATTACH_SECRET gives one to a processor,
or changes the code of a processor that holds one (that code reads it). The attackers hold
the processor rights and try to get an admin's secret into code of their own."""

from __future__ import annotations

import pytest

from apps.core.crypto import secret_encrypt
from apps.engine.worker import processor_secrets
from apps.processors.models import Processor, ProcessorSecret, TrustedRepository
from tests.factories import make_processor
from tests.fixtures.api import make_user

pytestmark = pytest.mark.django_db

REPO = "https://github.com/acme/repo.git"


@pytest.fixture
def admin_secret():
    TrustedRepository.objects.create(name="acme", pattern="https://github.com/acme/*")
    return ProcessorSecret.objects.create(name="db", ciphertext=secret_encrypt("hunter2-value"))


@pytest.fixture
def guarded(admin_secret):
    """An admin's processor that holds the admin's secret."""
    return make_processor(gitrepo=REPO, module="acme.mod", password=admin_secret)


def test_a_processor_creator_cannot_name_a_secret(api_as, admin_secret):
    creator = api_as(make_user("ADD_PROCESSOR", "LS_SECRETS", "ADD_SECRET"))
    own = creator.post("/api/secrets/", {"name": "mine", "value": "x"}, format="json")
    assert own.status_code == 201
    for name in ("db", "mine"):
        refused = creator.post("/api/processors/", {
            "name": f"thief-{name}", "module": "evil.mod", "gitrepo": REPO, "password": name}, format="json")
        assert refused.status_code == 403, refused.content
        assert "ATTACH_SECRET" in refused.json()["message"]
    assert not Processor.objects.filter(name__startswith="thief").exists()


def test_a_processor_updater_cannot_attach_a_secret(api_as, admin_secret):
    processor = make_processor(gitrepo=REPO, module="evil.mod")
    updater = api_as(make_user("UPDATE_PROCESSOR", "READ_PROCESSOR"))
    refused = updater.patch(f"/api/processors/{processor.pk}/", {"password": "db"}, format="json")
    assert refused.status_code == 403, refused.content
    processor.refresh_from_db()
    assert processor.password is None


@pytest.mark.parametrize("change", [
    {"module": "evil.mod"}, {"gitrepo": "https://github.com/acme/other.git"}, {"branch": "evil"},
    {"requirements": "evil-package"},
])
def test_a_processor_updater_cannot_swap_the_code_that_reads_a_secret(api_as, guarded, change):
    updater = api_as(make_user("UPDATE_PROCESSOR", "READ_PROCESSOR"))
    refused = updater.patch(f"/api/processors/{guarded.pk}/", change, format="json")
    assert refused.status_code == 403, refused.content
    assert "holds a secret" in refused.json()["message"]
    guarded.refresh_from_db()
    assert (guarded.module, guarded.gitrepo, guarded.branch, guarded.requirements) == ("acme.mod", REPO, "", "")
    allowed = updater.patch(f"/api/processors/{guarded.pk}/", {"concurrency": 2}, format="json")
    assert allowed.status_code == 200, allowed.content


def test_attaching_is_an_act_of_its_own_right(api_as, guarded, admin_secret, audit_log):
    processor = make_processor(gitrepo=REPO, module="acme.mod")
    url = f"/api/processors/{processor.pk}/secret/"
    creator = api_as(make_user("ADD_PROCESSOR", "UPDATE_PROCESSOR", "READ_PROCESSOR", "UPDATE_SECRET"))
    assert creator.post(url, {"secret": "db"}, format="json").status_code == 403
    processor.refresh_from_db()
    assert processor.password is None

    attacher = make_user("ATTACH_SECRET")
    attached = api_as(attacher).post(url, {"secret": "db"}, format="json")
    assert attached.status_code == 200, attached.content
    assert attached.json()["password"] == "db"
    processor.refresh_from_db()
    assert processor.password == admin_secret
    assert (attacher.username, f"attached secret db to processor {processor.name}") in audit_log()
    assert api_as(attacher).post(url, {"secret": "nope"}, format="json").status_code == 400
    detached = api_as(attacher).post(url, {"secret": None}, format="json")
    assert detached.status_code == 200 and detached.json()["password"] is None


def test_a_function_gets_its_own_processors_secret_only(guarded):
    other = ProcessorSecret.objects.create(name="other-team", ciphertext=secret_encrypt("not-yours"))
    make_processor(gitrepo=REPO, module="acme.mod", password=other)
    assert processor_secrets(guarded) == {"DB": "hunter2-value"}
    assert processor_secrets(make_processor(gitrepo=REPO, module="acme.mod")) == {}
