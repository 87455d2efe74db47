"""A typed client of the ElasticCode REST API over httpx.

Every request carries a fresh ``X-Request-ID``; errors come back as the types of
``apps.client.errors`` with the server's message, field details and request id.
Idempotent requests are retried with backoff on connection errors, 429 and 502-504.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from apps.client.errors import BadRequest, ConnectionFailed, NotFound, error_class

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_RETRY_AFTER = 10.0
PAGE_ROWS = 200


class ApiClient:
    """``ApiClient("http://host:8000", token)``; paths are relative to ``/api/``."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        timeout: float = 30,
        retries: int = 2,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = server_root(base_url)
        self.token = token
        self.timeout = timeout
        self.retries = retries
        self._sleep = sleep
        headers = {"Accept": "application/json", "User-Agent": "elasticcode-flow"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(
            base_url=self.base_url + "/api/", headers=headers, timeout=timeout, transport=transport
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- verbs ---------------------------------------------------------------------------

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("POST", path, body=body)

    def patch(self, path: str, body: Any) -> Any:
        return self.request("PATCH", path, body=body)

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)

    def list_all(self, path: str, params: dict[str, Any] | None = None) -> Iterator[dict]:
        """Every object of a paginated list, following ``next`` links."""
        page = self.get(path, {"rows": PAGE_ROWS, **(params or {})})
        while True:
            if isinstance(page, list):
                yield from page
                return
            yield from page.get("results", [])
            if not page.get("next"):
                return
            page = self.get(page["next"])

    def find(self, kind: str, name: str) -> dict:
        """The one object of ``kind`` (an API path such as ``queues``) named ``name``."""
        matches = [
            item
            for item in self.list_all(f"{kind}/", {"name": name})
            if name in (item.get("name"), item.get("username"))
        ]
        if not matches:
            raise NotFound(f"no {singular(kind)} named '{name}'", status=404, code="not_found")
        if len(matches) > 1:
            raise BadRequest(
                f"{len(matches)} {kind} are named '{name}'; give the id instead", code="ambiguous"
            )
        return matches[0]

    # -- the one request loop -------------------------------------------------------------

    def request(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None
    ) -> Any:
        """Send one request (retrying when safe) and return the decoded body, or raise."""
        url = self._url(path)
        retryable = method in IDEMPOTENT
        attempt = 0
        while True:
            request_id = str(uuid.uuid4())
            try:
                response = self._http.request(
                    method, url, params=params, json=body, headers={"X-Request-ID": request_id}
                )
            except httpx.TransportError as exc:
                if retryable and attempt < self.retries:
                    self._sleep(backoff(attempt))
                    attempt += 1
                    continue
                raise self._unreachable(exc) from exc
            if retryable and response.status_code in RETRY_STATUSES and attempt < self.retries:
                self._sleep(retry_delay(response, attempt))
                attempt += 1
                continue
            return decode(response, method, request_id)

    def _url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        path = path.lstrip("/")
        return path[len("api/"):] if path.startswith("api/") else path

    def _unreachable(self, exc: httpx.TransportError) -> ConnectionFailed:
        if isinstance(exc, httpx.TimeoutException):
            reason = f"no answer within {self.timeout:g} s"
        else:
            reason = str(exc) or type(exc).__name__
        return ConnectionFailed(
            f"cannot reach the ElasticCode server at {self.base_url}: {reason}", code="unreachable"
        )


def server_root(url: str) -> str:
    """The server's root URL, without a trailing slash or ``/api``."""
    url = url.strip().rstrip("/")
    if url.endswith("/api"):
        url = url[: -len("/api")]
    if "://" not in url:
        url = "http://" + url
    return url


def singular(kind: str) -> str:
    if kind.endswith("ies"):
        return kind[:-3] + "y"
    return kind[:-1] if kind.endswith("s") else kind


def backoff(attempt: int) -> float:
    return min(0.25 * (2**attempt), 4.0)


def retry_delay(response: httpx.Response, attempt: int) -> float:
    """Retry-After when the server gives seconds (capped), else exponential backoff."""
    header = response.headers.get("Retry-After", "")
    try:
        return min(max(float(header), 0.0), MAX_RETRY_AFTER)
    except ValueError:
        return backoff(attempt)


def decode(response: httpx.Response, method: str, sent_request_id: str) -> Any:
    """The body of a success, or the typed error of a failure."""
    request_id = response.headers.get("X-Request-ID") or sent_request_id
    body = _body(response)
    if response.status_code < 400:
        return body
    status = response.status_code
    message, code, detail = _error_parts(body)
    if not message:
        path = response.request.url.path
        message = f"the server answered {status} {response.reason_phrase} to {method} {path}"
        if status == 413:  # a proxy's limit: its page says nothing we can show
            message = f"the request body is too large for the server ({status} to {method} {path}); send less data"
    raise error_class(status)(message, status=status, code=code, detail=detail, request_id=request_id)


def _body(response: httpx.Response) -> Any:
    if response.status_code == 204 or not response.content:
        return None
    if "json" in response.headers.get("Content-Type", ""):
        try:
            return response.json()
        except ValueError:
            return response.text
    return response.text


def _error_parts(body: Any) -> tuple[str, str, Any]:
    """(message, code, detail) from our error body or DRF's plain ``{"detail": ...}``."""
    if not isinstance(body, dict):
        return "", "error", None
    code = str(body.get("error") or body.get("code") or "error")
    message = body.get("message")
    detail = body.get("detail")
    if not message and isinstance(detail, str):
        message, detail = detail, None
    return str(message or ""), code, detail
