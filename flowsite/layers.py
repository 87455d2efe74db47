"""The Channels layer's configuration, one function for the settings and the tests.

redis-py 8 gives every connection a 5 s socket timeout by default, and channels_redis waits
for a socket's next message in ``BZPOPMIN`` with a 5 s timeout of its own: Redis answers "no
message" just as the socket gives up, so an idle websocket died with ``TimeoutError`` (1011)
every 5-10 s. The socket timeout here is well above every blocking read the layer makes,
so only a Redis that really stopped answering times out; keepalive and health checks find
a connection that died quietly."""

from __future__ import annotations

from channels_redis.core import RedisChannelLayer

BACKEND = "channels_redis.core.RedisChannelLayer"
# Longer than the layer's longest blocking read (BZPOPMIN, RedisChannelLayer.brpop_timeout).
SOCKET_TIMEOUT = RedisChannelLayer.brpop_timeout + 25
CONNECT_TIMEOUT = 5
HEALTH_CHECK_SECONDS = 15


def redis_host(url: str) -> dict:
    """One channels_redis host: its URL and the connection options above."""
    return {"address": url, "socket_timeout": SOCKET_TIMEOUT, "socket_connect_timeout": CONNECT_TIMEOUT,
            "socket_keepalive": True, "health_check_interval": HEALTH_CHECK_SECONDS}


def channel_layers_setting(url: str, *, capacity: int = 10000, expiry: int = 60, prefix: str = "asgi") -> dict:
    """The CHANNEL_LAYERS setting on the Redis at ``url``."""
    return {"default": {"BACKEND": BACKEND, "CONFIG": {
        "hosts": [redis_host(url)], "capacity": capacity, "expiry": expiry, "prefix": prefix}}}
