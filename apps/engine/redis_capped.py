"""A kombu Redis transport that holds a bounded queue to its maximum length, exactly.

kombu keeps a Redis queue as one list per priority step (apps.engine.monitor.brokers) and
knows no limit. This channel remembers a queue's ``x-max-length`` from its declaration
(the queue argument RabbitMQ takes; apps.engine.queues declares it on both brokers) and
publishes onto such a queue with one Lua script: if the queue's lists hold fewer messages
than the limit, LPUSH onto the message's priority list, else push nothing and raise
``QueueRefused``. Counting and pushing are one atomic step, so producers racing for the
last slot cannot take the queue past its limit. Like RabbitMQ's ``reject-publish``, the
new message is refused; the oldest is never dropped. The caller sends it again once there
is room (apps.engine.dispatch.call_publish).

Where the limit applies: on a connection that declared the queue. kombu declares an
entity once per connection, by name: every dispatch publish passes the queue to declare,
and a worker declares the queues it consumes. A publish over a connection that never
declared the queue (a Celery retry sent by a worker's own producer) is not capped; nor is
a restore of unacknowledged messages (they were queued already). A changed limit reaches
a connection when it declares again (a new connection).

Its channels also renew the visibility of the messages they hold (apps.engine.redis_lease).

No Django here: kombu loads this module in every process that opens a broker connection
(``CELERY_BROKER_TRANSPORT`` in flowsite/settings.py names it by dotted path: flowsite.env.broker_transport).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from kombu.transport import redis as kombu_redis
from kombu.utils.json import dumps

from apps.engine.redis_lease import LeasedQoS

MAX_LENGTH = "x-max-length"

# KEYS: the queue's priority lists. ARGV: the limit, which list takes the message (1-based),
# the message, its lists' expiry in ms (0: none). Returns {1 pushed or 0 refused, ready}.
_PUSH_SCRIPT = """
local ready = 0
for i = 1, #KEYS do ready = ready + redis.call('LLEN', KEYS[i]) end
if ready >= tonumber(ARGV[1]) then return {0, ready} end
redis.call('LPUSH', KEYS[tonumber(ARGV[2])], ARGV[3])
local expire = tonumber(ARGV[4])
if expire > 0 then
  for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], expire) end
end
return {1, ready + 1}
"""


class QueueRefused(Exception):
    """A bounded Redis queue was full: nothing was pushed. Retrying helps once it drains."""

    def __init__(self, *, queue: str, ready: int, limit: int):
        super().__init__(f"the queue {queue} is full ({ready} of {limit} messages); nothing was pushed")
        self.queue, self.ready, self.limit = queue, ready, limit


def declared_max_length(declaration: dict[str, Any]) -> int | None:
    """The limit a ``queue_declare`` asked for (None: unbounded)."""
    limit = (declaration.get("arguments") or {}).get(MAX_LENGTH)
    return None if limit is None or int(limit) < 0 else int(limit)


class Channel(kombu_redis.Channel):
    """kombu's Redis channel, with a capped push for a queue declared with a max length,
    and leases on the messages it holds (apps.engine.redis_lease)."""

    QoS = LeasedQoS

    def _new_queue(self, queue, auto_delete=False, **kwargs):
        super()._new_queue(queue, auto_delete=auto_delete, **kwargs)
        limit = declared_max_length(kwargs)
        if limit is None:
            self.connection.max_lengths.pop(queue, None)  # declared again unbounded
        else:
            self.connection.max_lengths[queue] = limit

    def _put(self, queue, message, **kwargs):
        limit = self.connection.max_lengths.get(queue)
        if limit is None:
            return super()._put(queue, message, **kwargs)
        # A capped push must answer now (pushed or refused), so it is never buffered in a
        # publish batch, whose replies nobody reads.
        kwargs.pop("_publish_batch", None)
        self._put_capped(queue, message, limit)

    def _put_capped(self, queue: str, message: dict, limit: int) -> None:
        keys = [self._q_for_pri(queue, step) for step in self.priority_steps]
        target = keys.index(self._q_for_pri(queue, self._get_message_priority(message, reverse=False)))
        # kombu's prefixing client prefixes only the first key of an EVALSHA (as kombu's
        # own scripts know): the others carry the prefix already.
        keys = keys[:1] + [self.global_keyprefix + key for key in keys[1:]]
        expire = self._expires.get(queue, 0)
        with self.conn_or_acquire() as client:
            pushed, ready = self._push_script(keys=keys, args=[limit, target + 1, dumps(message), expire],
                                              client=client)
        if not pushed:
            raise QueueRefused(queue=queue, ready=int(ready), limit=limit)

    @cached_property
    def _push_script(self):
        return self._create_client().register_script(_PUSH_SCRIPT)


class Transport(kombu_redis.Transport):
    """kombu's Redis transport with ``Channel`` above. The limits live here, one set per
    connection, because kombu caches declarations per connection, not per channel."""

    Channel = Channel

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_lengths: dict[str, int] = {}
