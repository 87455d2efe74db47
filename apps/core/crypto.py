"""Symmetric encryption for secrets at rest (processor secrets, credentials in git URLs).

The key is derived from SECRET_KEY; rotating SECRET_KEY makes stored secrets unreadable,
which ``secret_decrypt`` reports as a clear error.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class SecretUnreadable(Exception):
    """A stored secret cannot be decrypted with the current SECRET_KEY."""


def _fernet() -> Fernet:
    digest = hashlib.sha256(f"elasticcode-secrets:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def secret_encrypt(clear: str) -> str:
    return _fernet().encrypt(clear.encode()).decode()


def secret_decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable("a stored secret cannot be read: was SECRET_KEY changed?") from None
