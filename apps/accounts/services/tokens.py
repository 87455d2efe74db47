"""API tokens for the CLI and the Python client. Only a token's digest is stored."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Actor, ApiToken, User, token_digest
from apps.accounts.services._audit import audit


def token_create(*, user: User, by: Actor, name: str = "cli") -> tuple[ApiToken, str]:
    """A new token; the raw value is returned once and never stored."""
    raw = ApiToken.generate()
    token = ApiToken(user=user, name=name or "cli", digest=token_digest(raw), prefix=raw[:8])
    with transaction.atomic():
        token.full_clean()
        token.save()
        audit(by=by, obj=user, text=f"created API token '{token.name}' ({token.prefix}…) for {user.username}")
    return token, raw


def token_revoke(*, token: ApiToken, by: Actor) -> ApiToken:
    with transaction.atomic():
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])
        audit(by=by, obj=token.user, text=f"revoked API token '{token.name}' ({token.prefix}…)")
    return token


def tokens_revoke_all(*, user: User, by: Actor) -> int:
    """Revoke every live token of the user; the caller owns the transaction and the audit."""
    return ApiToken.objects.filter(user=user, revoked__isnull=True).update(revoked=timezone.now())
