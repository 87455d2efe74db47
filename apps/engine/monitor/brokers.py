"""Exact message counts of broker queues: ready, in flight (delivered, not acknowledged) and
consumers, read from the broker itself.

Redis (kombu's virtual transport). A queue is several lists: kombu puts a message of
priority p on ``name`` (p in 0..2), ``name<sep>3``, ``name<sep>6`` or ``name<sep>9`` (the
transport's ``priority_steps``, ``sep`` = ``"\\x06\\x16"``), so ready is the sum of their
LLENs. A delivered message leaves its list for the ``unacked`` hash shared by every queue
(delivery tag -> JSON ``[message, exchange, routing key]``) until it is acknowledged;
prefetched messages sit there too. In flight is the number of those entries whose routing
key is the queue's (a socket's queue is bound to its own direct exchange under its own
name, apps.engine.queues). One Lua script reads the lists and the hash in one atomic step,
so ready and in flight never count a message twice or miss one moving between them, and
only the counts cross the network. Its cost grows with the unacked entries, which prefetch
bounds (workers x concurrency x prefetch multiplier, plus retries waiting for their ETA).
The same script reads the enqueue time of each queue's oldest ready message: kombu LPUSHes
and BRPOPs (as does the capped push, apps.engine.redis_capped), so the oldest of a list is
its tail (``LINDEX key -1``), and the queue's oldest is the earliest of its lists' tails.
Only those tails are decoded, one message per non-empty list per queue, for their
``enqueued_at`` header (apps.engine.message_headers). When a tail carries none (sent
before the header existed, or by another client) the queue's time is unknown, not guessed
from the other lists, and the sampler ages it by its call rows.
Counting our own per-queue counters would need a hook in every worker's ack path and would
drift when a worker dies between the two; reading the hash cannot drift. Redis has no
consumer count per list: ``consumers`` is None and the sampler takes it from the workers.

RabbitMQ. A passive ``queue.declare`` answers ready messages and consumers, exactly and at
once; AMQP offers no count of unacknowledged messages, so ``inflight`` is None and the
sampler derives it (see apps.engine.monitor.sampling); no message can be read without
delivering it, so ``oldest_enqueued`` is None. A queue not declared yet counts 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import redis
from amqp.exceptions import NotFound as AmqpNotFound
from kombu import Connection
from kombu.transport.redis import PRIORITY_STEPS, Channel

from apps.engine.message_headers import ENQUEUED_AT
from apps.engine.queues import broker_is_amqp
from flowsite.celery import app as celery_app


@dataclass(frozen=True)
class BrokerCount:
    ready: int
    inflight: int | None  # None: the broker cannot tell (RabbitMQ without the management API)
    consumers: int | None  # None: the broker cannot tell (Redis)
    # The oldest ready message's enqueue time, epoch seconds. None: nothing is ready, the
    # broker cannot tell (RabbitMQ), or that message carries no enqueue time.
    oldest_enqueued: float | None = None


# ARGV: sep, n, n priority steps, key prefix, unacked key, enqueue-time header, queue names.
# Returns the ready count of each queue, then its unacked count, then the enqueue time (ms)
# of its oldest ready message or nil, in the order given.
_COUNT_SCRIPT = """
local sep, n = ARGV[1], tonumber(ARGV[2])
local prefix, unacked, header = ARGV[3 + n], ARGV[3 + n] .. ARGV[4 + n], ARGV[5 + n]
local function enqueued_at(raw)
  local ok, message = pcall(cjson.decode, raw)
  if not ok or type(message) ~= 'table' or type(message.headers) ~= 'table' then return nil end
  local at = message.headers[header]
  if type(at) == 'number' then return at end
  return nil
end
local ready, index, inflight, oldest = {}, {}, {}, {}
for i = 6 + n, #ARGV do
  local name, total, first, known = ARGV[i], 0, nil, true
  for s = 1, n do
    local step = ARGV[2 + s]
    local key = prefix .. name
    if tonumber(step) > 0 then key = key .. sep .. step end
    local length = redis.call('LLEN', key)
    if length > 0 and known then
      local at = enqueued_at(redis.call('LINDEX', key, -1))
      if at == nil then known = false elseif first == nil or at < first then first = at end
    end
    total = total + length
  end
  ready[#ready + 1] = total
  index[name] = #ready
  inflight[#ready] = 0
  oldest[#ready] = false
  if known and first ~= nil then oldest[#ready] = math.floor(first * 1000) end
end
for _, entry in ipairs(redis.call('HVALS', unacked)) do
  local key = string.match(entry, ',%s*"([^"\\\\]*)"%]$')
  if key == nil then key = cjson.decode(entry)[3] end
  local at = index[key]
  if at then inflight[at] = inflight[at] + 1 end
end
local out = {}
for i = 1, #ready do out[i] = ready[i] end
for i = 1, #ready do out[#ready + i] = inflight[i] end
for i = 1, #ready do out[2 * #ready + i] = oldest[i] end
return out
"""


def _transport_options() -> dict[str, Any]:
    return dict(celery_app.conf.broker_transport_options or {})


class RedisCounter:
    """Counts on a kombu Redis broker (see the module docstring)."""

    def __init__(self, url: str):
        self.client = redis.Redis.from_url(url)
        options = _transport_options()
        self.sep = options.get("sep", Channel.sep)
        self.steps = sorted(options.get("priority_steps", PRIORITY_STEPS))
        self.prefix = options.get("global_keyprefix", "")
        self.unacked_key = options.get("unacked_key", Channel.unacked_key)

    @cached_property
    def _script(self):
        return self.client.register_script(_COUNT_SCRIPT)

    def key(self, name: str, step: int) -> str:
        """The Redis list of one priority step of a queue (step 0 is the queue's own name)."""
        return f"{self.prefix}{name}{self.sep}{step}" if step else f"{self.prefix}{name}"

    def ready(self, name: str) -> int:
        """Ready messages of one queue: its priority lists' lengths, in one round trip."""
        pipe = self.client.pipeline(transaction=False)
        for step in self.steps:
            pipe.llen(self.key(name, step))
        return sum(pipe.execute())

    def counts(self, names: list[str]) -> dict[str, BrokerCount]:
        if not names:
            return {}
        argv = [self.sep, len(self.steps), *self.steps, self.prefix, self.unacked_key, ENQUEUED_AT, *names]
        reply = self._script(args=argv)
        n = len(names)
        return {name: BrokerCount(ready=int(r), inflight=int(i), consumers=None,
                                  oldest_enqueued=None if at is None else int(at) / 1000)
                for name, r, i, at in zip(names, reply[:n], reply[n:2 * n], reply[2 * n:])}

    def close(self) -> None:
        self.client.close()


class AmqpCounter:
    """Counts on RabbitMQ: one passive declare per queue on one kept connection."""

    def __init__(self, url: str):
        self.connection = Connection(url, connect_timeout=5)
        self._channel: Any = None  # the connection's AMQP channel, opened on first use

    def _declare(self, name: str) -> tuple[int, int]:
        if self._channel is None:
            self._channel = self.connection.channel()
        try:
            _name, ready, consumers = self._channel.queue_declare(queue=name, passive=True)
        except AmqpNotFound:
            self._channel = None  # the broker closed the channel with the 404
            return 0, 0
        return ready, consumers

    def ready(self, name: str) -> int:
        return self._declare(name)[0]

    def counts(self, names: list[str]) -> dict[str, BrokerCount]:
        counts = {}
        for name in names:
            ready, consumers = self._declare(name)
            counts[name] = BrokerCount(ready=ready, inflight=None, consumers=consumers)
        return counts

    def close(self) -> None:
        self._channel = None
        self.connection.release()


def broker_counter(url: str) -> RedisCounter | AmqpCounter:
    return AmqpCounter(url) if broker_is_amqp(url) else RedisCounter(url)
