"""Symmetric encryption for secrets at rest (processor secrets, credentials in git URLs).

The key is derived from ENCRYPTION_KEY, kept apart from SECRET_KEY so that the signing key
alone reads no stored secret. Values stored before ENCRYPTION_KEY existed were encrypted
under a key derived from SECRET_KEY; they are still read (MultiFernet tries the current key
first), and every value written from now on uses the current key. Rotating
ENCRYPTION_KEY makes stored secrets unreadable, which ``secret_decrypt`` reports as a clear
error.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretUnreadable(Exception):
    """A stored secret cannot be decrypted with the current ENCRYPTION_KEY."""


def _derived(material: str) -> Fernet:
    digest = hashlib.sha256(f"elasticcode-secrets:{material}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _fernet() -> MultiFernet:
    """Encrypts with ENCRYPTION_KEY; decrypts with it or, for older rows, with SECRET_KEY's."""
    return MultiFernet([_derived(settings.ENCRYPTION_KEY), _derived(settings.SECRET_KEY)])


def secret_encrypt(clear: str) -> str:
    return _fernet().encrypt(clear.encode()).decode()


def secret_decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable("a stored secret cannot be read: was ENCRYPTION_KEY changed?") from None


def secret_reencrypt(token: str) -> str:
    """The same secret encrypted under the current ENCRYPTION_KEY (from an older key too)."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable("a stored secret cannot be read: was ENCRYPTION_KEY changed?") from None
