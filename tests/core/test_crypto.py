"""Secrets at rest: encrypted with ENCRYPTION_KEY, which is not SECRET_KEY; rows written
under the old SECRET_KEY-derived key still read."""

from __future__ import annotations

import base64
import hashlib
import stat

import pytest
from cryptography.fernet import Fernet, InvalidToken

from apps.core.crypto import SecretUnreadable, secret_decrypt, secret_encrypt
from flowsite import env


def signing_key_fernet(secret_key: str) -> Fernet:
    """What an attacker holding only SECRET_KEY builds (the old derivation)."""
    digest = hashlib.sha256(f"elasticcode-secrets:{secret_key}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def test_when_only_the_signing_key_leaked_then_a_stored_secret_stays_unreadable(settings):
    settings.SECRET_KEY = "leaked-signing-key"
    settings.ENCRYPTION_KEY = "separate-encryption-key"
    token = secret_encrypt("hunter2")
    with pytest.raises(InvalidToken):
        signing_key_fernet("leaked-signing-key").decrypt(token.encode())
    assert secret_decrypt(token) == "hunter2"


def test_a_secret_stored_under_the_old_signing_key_derivation_is_still_read(settings):
    settings.SECRET_KEY = "the-old-signing-key"
    settings.ENCRYPTION_KEY = "a-new-encryption-key"
    old_row = signing_key_fernet("the-old-signing-key").encrypt(b"old value").decode()
    assert secret_decrypt(old_row) == "old value"


def test_changing_the_signing_key_keeps_secrets_readable(settings):
    settings.ENCRYPTION_KEY = "stays"
    settings.SECRET_KEY = "first"
    token = secret_encrypt("value")
    settings.SECRET_KEY = "rotated"
    assert secret_decrypt(token) == "value"


def test_changing_the_encryption_key_says_so(settings):
    settings.ENCRYPTION_KEY = "first"
    token = secret_encrypt("value")
    settings.ENCRYPTION_KEY = "second"
    with pytest.raises(SecretUnreadable, match="ENCRYPTION_KEY"):
        secret_decrypt(token)


def test_the_generated_encryption_key_is_private_and_stable(tmp_path, monkeypatch):
    monkeypatch.setenv("ELASTICCODE_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("ENCRYPTION_KEY", raising=False)
    monkeypatch.delenv("ENCRYPTION_KEY_FILE", raising=False)
    monkeypatch.setenv("SECRET_KEY", "configured")
    first = env.encryption_key()
    key_file = tmp_path / "state" / "encryption_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "state").stat().st_mode) == 0o711  # passable, not listable
    assert first and first == env.encryption_key() != env.secret_key()
    assert sorted(p.name for p in (tmp_path / "state").iterdir()) == ["encryption_key"]


def test_a_configured_encryption_key_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("ELASTICCODE_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("ENCRYPTION_KEY", "from-the-environment")
    assert env.encryption_key() == "from-the-environment"
    assert not (tmp_path / "state" / "encryption_key").exists()


@pytest.mark.django_db
def test_reencrypting_leaves_nothing_the_signing_key_reads(settings):
    from django.core.management import call_command

    from apps.processors.models import ProcessorSecret
    from tests.factories import make_processor

    settings.SECRET_KEY = "the-old-signing-key"
    settings.ENCRYPTION_KEY = "a-new-encryption-key"
    old = signing_key_fernet("the-old-signing-key")
    secret = ProcessorSecret.objects.create(name="db", ciphertext=old.encrypt(b"hunter2").decode())
    processor = make_processor(gitrepo_secret=old.encrypt(b"https://u:pw@git.example/r.git").decode())
    call_command("secrets_reencrypt", stdout=open("/dev/null", "w"))
    secret.refresh_from_db()
    processor.refresh_from_db()
    for token in (secret.ciphertext, processor.gitrepo_secret):
        with pytest.raises(InvalidToken):
            old.decrypt(token.encode())
    assert secret_decrypt(secret.ciphertext) == "hunter2"
    assert secret_decrypt(processor.gitrepo_secret) == "https://u:pw@git.example/r.git"
