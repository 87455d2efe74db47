"""Bearer-token authentication for the CLI and the Python client."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from apps.accounts.models import ApiToken, User, token_digest


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer ec_...`` (``Token`` is accepted too)."""

    keywords = ("bearer", "token")

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header.")
        return token_user(header[1])

    def authenticate_header(self, request: Request) -> str:
        return "Bearer"


def token_user(raw: str) -> tuple[User, ApiToken]:
    """The (user, token) pair for a raw token, or AuthenticationFailed."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        raise exceptions.AuthenticationFailed("Invalid or revoked token.")
    ApiToken.objects.filter(pk=token.pk).update(last_used=timezone.now())
    return token.user, token
