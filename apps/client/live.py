"""The websocket side of the client: subscribe to one topic and hand each event on.

Protocol (``apps/live/consumers.py``): connect to ``/ws/?token=TOKEN``, send
``{"type": "subscribe", "topic": T, "channel": C}``; the server answers ``hello`` and
``subscribed`` (ignored here), ``error`` (a refusal), or ``events`` frames that carry a
list of events and, when some were lost or dropped, ``gaps``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import quote, urlsplit, urlunsplit

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.sync.client import connect

from apps.client.errors import (
    ApiError,
    BadRequest,
    ConnectionFailed,
    Forbidden,
    ServerError,
    Unauthorized,
    error_class,
)
from apps.client.http import server_root

CONTROL_TYPES = frozenset({"hello", "unsubscribed", "pong", "stats"})
PLAIN_TOPICS = frozenset({"calls:all", "metrics", "nodes", "queues", "counters", "processors", "sockets"})
CLOSE_ERRORS: dict[int, type[ApiError]] = {4401: Unauthorized, 4403: Forbidden, 4400: BadRequest}


def websocket_url(base_url: str, token: str | None) -> str:
    parts = urlsplit(server_root(base_url))
    scheme = "wss" if parts.scheme == "https" else "ws"
    query = f"token={quote(token, safe='')}" if token else ""
    return urlunsplit((scheme, parts.netloc, parts.path + "/ws/", query, ""))


def listen_topic(name: str, channel: str) -> str:
    """The topic to subscribe to: a full topic (``run:<id>``, ``processor:proc1``,
    ``calls:all``) as given, else the specification's ``NAME.CHANNEL`` (``proc1.task``),
    which the server resolves to a processor, socket or queue of that name."""
    if ":" in name or name in PLAIN_TOPICS:
        return name
    return f"{name}.{channel}"


def listen(
    base_url: str,
    token: str | None,
    topic: str,
    on_event: Callable[[dict], object],
    *,
    channel: str | None = None,
    on_gap: Callable[[dict], None] | None = None,
    on_subscribed: Callable[[dict], None] | None = None,
    open_timeout: float = 10,
) -> None:
    """Subscribe and call ``on_event`` for each event until the server closes (an error).
    ``on_subscribed`` hears the server's confirmation; ``on_gap`` of events the server lost
    or dropped for a slow reader."""
    url = websocket_url(base_url, token)
    shown = websocket_url(base_url, None)
    request = {"type": "subscribe", "topic": topic, **({"channel": channel} if channel else {})}
    try:
        with connect(url, open_timeout=open_timeout) as socket:
            socket.send(json.dumps(request))
            for raw in socket:
                _dispatch(raw, on_event, on_gap, on_subscribed)
    except InvalidStatus as exc:
        status = exc.response.status_code
        why = ": not logged in, or the token is not valid" if status in (401, 403) else ""
        raise error_class(status)(
            f"the server refused the websocket connection at {shown} (HTTP {status}{why})", status=status
        ) from exc
    except ConnectionClosed as exc:
        raise _closed_error(exc) from exc
    except (OSError, TimeoutError, InvalidHandshake) as exc:
        raise ConnectionFailed(f"cannot reach the ElasticCode websocket at {shown}: {exc}") from exc
    raise ServerError(f"the server closed the websocket at {shown}")


def _dispatch(
    raw: str | bytes,
    on_event: Callable[[dict], object],
    on_gap: Callable[[dict], None] | None,
    on_subscribed: Callable[[dict], None] | None,
) -> None:
    try:
        message = json.loads(raw)
    except ValueError:
        message = {"type": "text", "data": raw if isinstance(raw, str) else raw.decode(errors="replace")}
    if not isinstance(message, dict):
        message = {"type": "data", "data": message}
    kind = message.get("type")
    if kind in CONTROL_TYPES:
        return
    if kind == "subscribed":
        if on_subscribed is not None:
            on_subscribed(message)
        return
    if kind == "error":
        reason = message.get("message") or "no reason given"
        raise BadRequest(f"the server refused the subscription: {reason}")
    if kind != "events":
        on_event(message)
        return
    for gap in message.get("gaps") or []:
        if on_gap is not None:
            on_gap(gap)
    for event in message.get("events") or []:
        on_event(event)


def _closed_error(exc: ConnectionClosed) -> ApiError:
    frame = exc.rcvd
    code = frame.code if frame is not None else 1006
    reason = (frame.reason if frame is not None else "") or "no reason given"
    error_type = CLOSE_ERRORS.get(code, ServerError)
    if code == 4401:
        reason = "not authenticated"
    return error_type(f"the server closed the websocket (code {code}): {reason}")
