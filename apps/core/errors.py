"""Error types that carry an HTTP status, a code, a CLI exit code and whether a retry helps.

One handler maps them (and DRF's and Django's own) to a JSON body; no traceback ever leaves.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


class PlatformError(Exception):
    status = 500
    code = "error"
    exit_code = 1
    retryable = False

    def __init__(self, message: str, *, detail: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.detail is not None:
            body["detail"] = self.detail
        return body


class BadRequest(PlatformError):
    status, code, exit_code = 400, "bad_request", 2


class NotAuthenticated(PlatformError):
    status, code, exit_code = 401, "not_authenticated", 3


class Forbidden(PlatformError):
    status, code, exit_code = 403, "forbidden", 3


class NotFound(PlatformError):
    status, code, exit_code = 404, "not_found", 4


class Conflict(PlatformError):
    status, code, exit_code = 409, "conflict", 5


class PayloadTooLarge(PlatformError):
    status, code, exit_code = 413, "payload_too_large", 2


class RateLimited(PlatformError):
    status, code, exit_code, retryable = 429, "rate_limited", 6, True


class Unavailable(PlatformError):
    status, code, exit_code, retryable = 503, "unavailable", 7, True


def body_too_large() -> PayloadTooLarge:
    """The 413 of a body over DATA_UPLOAD_MAX_MEMORY_SIZE (env UPLOAD_MAX_BYTES), naming the limit."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return PayloadTooLarge(
        f"The request body is larger than the limit of {limit / 2**20:.1f} MiB ({limit} bytes); "
        "send less data, or pass large values by reference.",
        detail={"limit_bytes": limit},
    )


def _integrity_message(exc: IntegrityError) -> str:
    text = str(exc).lower()
    if "unique" in text or "duplicate" in text:
        return "An object with this name already exists."
    return "The change conflicts with existing data."


UNIQUE_CODES = frozenset({"unique", "unique_together"})


def _leaf_codes(codes: Any) -> list[str]:
    if isinstance(codes, dict):
        return [code for value in codes.values() for code in _leaf_codes(value)]
    if isinstance(codes, (list, tuple)):
        return [code for value in codes for code in _leaf_codes(value)]
    return [str(codes)]


def _only_duplicates(codes: Any) -> bool:
    """True when every error is a uniqueness one: the input is fine, the name is taken."""
    leaves = _leaf_codes(codes)
    return bool(leaves) and all(code in UNIQUE_CODES for code in leaves)


def _django_codes(exc: DjangoValidationError) -> Any:
    if hasattr(exc, "error_dict"):
        return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}
    return [e.code for e in exc.error_list]


def _protected_message(exc: ProtectedError | RestrictedError) -> str:
    objects = list(getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", []))
    names = [f"{type(obj)._meta.verbose_name} '{obj}'" for obj in objects[:5]]
    more = f" and {len(objects) - 5} more" if len(objects) > 5 else ""
    return f"It is still used by {', '.join(names)}{more}; remove or change those first."


def _translate(exc: Exception) -> PlatformError | None:
    if isinstance(exc, PlatformError):
        return exc
    if isinstance(exc, RequestDataTooBig):
        return body_too_large()
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        if _only_duplicates(_django_codes(exc)):
            return Conflict("An object with this name already exists.", detail=detail)
        return BadRequest("The input is not valid.", detail=detail)
    if isinstance(exc, drf.ValidationError) and _only_duplicates(exc.get_codes()):
        return Conflict("An object with this name already exists.", detail=exc.detail)
    if isinstance(exc, (ProtectedError, RestrictedError)):
        return Conflict(_protected_message(exc))
    if isinstance(exc, IntegrityError):
        return Conflict(_integrity_message(exc))
    if isinstance(exc, DataError):
        # Validation should catch these first; this keeps a missed case a 400, not a 500.
        return BadRequest("A value is out of range or cannot be stored.")
    if isinstance(exc, Http404):
        return NotFound("No such object.")
    if isinstance(exc, DjangoPermissionDenied):
        return Forbidden("You do not have the right to do this.")
    return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: typed errors to JSON, anything unknown to a logged 500."""
    platform_error = _translate(exc)
    if platform_error is not None:
        return Response(platform_error.as_dict(), status=platform_error.status)
    response = drf_exception_handler(exc, context)
    if response is not None:
        code = getattr(exc, "default_code", "error")
        if isinstance(exc, drf.ValidationError):
            response.data = {"error": "bad_request", "message": "The input is not valid.", "detail": response.data}
        elif isinstance(response.data, dict) and "detail" in response.data:
            response.data = {"error": code, "message": str(response.data["detail"])}
        return response
    logger.exception("unhandled error in %s", context.get("view"))
    return Response({"error": "server_error", "message": "Internal error; it has been logged."}, status=500)
