"""Websocket authentication: an API token (``?token=`` or ``Authorization: Bearer``) or the
session. A token needs no Origin check (a page cannot send one it does not know); the
session does, so cookie-borne connections go through AllowedHostsOriginValidator.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.security.websocket import AllowedHostsOriginValidator
from django.contrib.auth.models import AnonymousUser
from rest_framework.exceptions import AuthenticationFailed

from apps.accounts.authentication import token_user

TOKEN_KEYWORDS = (b"bearer", b"token")


def scope_token(scope) -> str | None:
    """The raw token a handshake carries, from the query string or the Authorization header."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    if query.get("token"):
        return query["token"][0]
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            keyword, _, raw = value.strip().partition(b" ")
            if keyword.lower() in TOKEN_KEYWORDS and raw.strip():
                return raw.strip().decode("latin-1")
    return None


@database_sync_to_async
def _token_user(raw: str):
    try:
        user, _token = token_user(raw)
    except AuthenticationFailed:
        return AnonymousUser()
    return user


class LiveAuthMiddleware:
    """Token when the handshake carries one (a bad token stays anonymous: the consumer
    closes with 4401), else session auth behind the Origin check."""

    def __init__(self, inner):
        self.inner = inner
        self.session_stack = AllowedHostsOriginValidator(AuthMiddlewareStack(inner))

    async def __call__(self, scope, receive, send):
        raw = scope_token(scope)
        if raw is None:
            return await self.session_stack(scope, receive, send)
        scope = dict(scope, user=await _token_user(raw), auth="token")
        return await self.inner(scope, receive, send)
