from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _secrets_reencrypt(sender, **kwargs) -> None:
    """After every migrate (bin/setup runs one on each start), stored secrets move to the
    current ENCRYPTION_KEY, so rows from before it existed stop being readable with SECRET_KEY."""
    from apps.processors.rotation import secrets_reencrypt

    secrets_reencrypt()


class ProcessorsConfig(AppConfig):
    name = "apps.processors"
    label = "processors"
    verbose_name = "Processors"

    def ready(self) -> None:
        post_migrate.connect(_secrets_reencrypt, sender=self, dispatch_uid="processors-secrets-reencrypt")
