"""Typed errors of the REST client. Each carries the CLI exit code of its kind.

The exit codes match ``apps/core/errors.py`` on the server: 2 bad request or a body too large, 3 not
authenticated or forbidden, 4 not found, 5 conflict, 6 rate limited, 7 server error,
8 server unreachable.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """The server answered with an error (or, for ConnectionFailed, did not answer)."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str = "error",
        detail: Any = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.detail = detail
        self.request_id = request_id


class BadRequest(ApiError):
    exit_code = 2


class Unauthorized(ApiError):
    exit_code = 3


class Forbidden(ApiError):
    exit_code = 3


class NotFound(ApiError):
    exit_code = 4


class Conflict(ApiError):
    exit_code = 5


class PayloadTooLarge(ApiError):
    """413: the request body is over the server's (or a proxy's) upload limit."""

    exit_code = 2


class RateLimited(ApiError):
    exit_code = 6


class ServerError(ApiError):
    exit_code = 7


class ConnectionFailed(ApiError):
    """The server could not be reached (refused, DNS, TLS, timeout)."""

    exit_code = 8


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    413: PayloadTooLarge,
    429: RateLimited,
}


def error_class(status: int) -> type[ApiError]:
    """The error type for an HTTP status: 5xx is ServerError, other 4xx BadRequest."""
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, BadRequest)
