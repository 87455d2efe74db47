"""Re-encrypt every stored secret under the current ENCRYPTION_KEY.

Rows written before ENCRYPTION_KEY existed are encrypted under a key derived from
SECRET_KEY, which the worker's environment used to expose; once they are re-encrypted,
SECRET_KEY reads nothing. Runs after every ``migrate`` (the app's post_migrate hook) and as
``manage.py secrets_reencrypt``; idempotent.
"""

from __future__ import annotations

from django.db import transaction

from apps.core.crypto import secret_reencrypt
from apps.processors.models import Processor, ProcessorSecret


def secrets_reencrypt() -> int:
    """Re-encrypt processor secrets and repository credentials; the number of values."""
    count = 0
    with transaction.atomic():
        for secret in ProcessorSecret.objects.select_for_update().exclude(ciphertext=""):
            ProcessorSecret.objects.filter(pk=secret.pk).update(ciphertext=secret_reencrypt(secret.ciphertext))
            count += 1
        for processor in Processor.objects.select_for_update().exclude(gitrepo_secret=""):
            Processor.objects.filter(pk=processor.pk).update(
                gitrepo_secret=secret_reencrypt(processor.gitrepo_secret))
            count += 1
    return count
