"""The Python client of the ElasticCode REST API and websocket. It imports no Django."""

from apps.client.config import Config, load_config, save_config
from apps.client.errors import (
    ApiError,
    BadRequest,
    Conflict,
    ConnectionFailed,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServerError,
    Unauthorized,
)
from apps.client.http import ApiClient

__all__ = [
    "ApiClient", "ApiError", "BadRequest", "Config", "Conflict", "ConnectionFailed", "Forbidden",
    "NotFound", "PayloadTooLarge", "RateLimited", "ServerError", "Unauthorized", "load_config", "save_config",
]
