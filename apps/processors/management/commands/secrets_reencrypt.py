"""``manage.py secrets_reencrypt``: every stored secret under the current ENCRYPTION_KEY."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from apps.core.crypto import SecretUnreadable
from apps.processors.rotation import secrets_reencrypt


class Command(BaseCommand):
    help = "Re-encrypt processor secrets and repository credentials under the current ENCRYPTION_KEY."

    def handle(self, *args, **options) -> None:
        try:
            count = secrets_reencrypt()
        except SecretUnreadable as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Re-encrypted {count} stored secret(s) under the current ENCRYPTION_KEY.")
