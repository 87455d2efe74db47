"""One monitor per network: a Redis lock per scope (a network, or the default scope of
queues in none) that a monitor takes with SET NX PX and renews every tick.

A monitor writes the samples of the scopes it holds, and only those. The lock outlives a
tick by ``ttl``; a monitor that stops renewing (killed, stalled, cut off from Redis) loses
its scopes after at most ``ttl`` and another monitor takes them at its next tick. A
monitor that finds it lost a scope stops writing it at once. The one overlap left: a
leader stalled for longer than ``ttl`` between its renewal and its write may write one
more tick after the new leader took over (samples are rows, so both are kept).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

import redis

KEY_PREFIX = "elasticcode:queue-monitor:"

# Renew the lock when this monitor holds it, or take it when nobody does; 1 when held after.
_HOLD = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


@dataclass
class Election:
    client: redis.Redis
    ttl_ms: int
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    key_prefix: str = KEY_PREFIX

    def hold(self, scopes: set[str]) -> set[str]:
        """The scopes among ``scopes`` this monitor holds after trying to take or renew them."""
        ordered = sorted(scopes)
        script = self.client.register_script(_HOLD)
        with self.client.pipeline(transaction=False) as pipe:
            for scope in ordered:
                script(keys=[self.key_prefix + scope], args=[self.token, self.ttl_ms], client=pipe)
            replies = pipe.execute()
        return {scope for scope, held in zip(ordered, replies) if int(held) == 1}

    def release(self, scopes: set[str]) -> None:
        """Give the scopes up (on a clean stop), so another monitor needs not wait ``ttl``."""
        script = self.client.register_script(_RELEASE)
        for scope in sorted(scopes):
            script(keys=[self.key_prefix + scope], args=[self.token])
