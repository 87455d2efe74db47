"""Middleware of the whole site: the request body limit answered as a clear 413."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from apps.core.errors import body_too_large

Handler = Callable[[HttpRequest], HttpResponse]


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "json" in request.headers.get("Accept", "")


class BodyLimitMiddleware:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 naming the limit (JSON for the API,
    a page otherwise), before any view or middleware parses it. Django itself raises
    RequestDataTooBig wherever the body is first read, which would be a 500 in the API and a
    bare 400 on the pages."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            request.body  # noqa: B018 - reading it is the check (Content-Length first, then the bytes)
        except RequestDataTooBig:
            return self.too_large(request)
        return self.get_response(request)

    @staticmethod
    def too_large(request: HttpRequest) -> HttpResponse:
        error = body_too_large()
        if _wants_json(request):
            return JsonResponse(error.as_dict(), status=error.status)
        return render(request, "413.html", {"message": error.message}, status=error.status)


# Scripts only from this site (no inline script, no eval); styles may be inline (the pages'
# style attributes and React's); the websocket and API on this origin; no framing.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
    "font-src 'self' data:", "connect-src 'self' ws: wss:", "worker-src 'self' blob:", "object-src 'none'",
    "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
])


class ContentSecurityPolicyMiddleware:
    """Every HTML page gets the Content-Security-Policy above (API answers are JSON)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
