"""The queue monitor: exact depth, in flight, consumers, rates, oldest age and state of every
socket queue, sampled every tick by one elected monitor per network.

- ``brokers``: counts read from Redis or RabbitMQ (how in flight is counted exactly).
- ``sampling``: ``sample(broker) -> list[QueueSample]``: counts plus the calls table.
- ``election``: the per-network Redis lock.
- ``services``: ``queuelog`` writes, retention, the coalesced live event.
- ``loop``: the tick and the loop ``manage.py queue_monitor`` runs.
- ``api``: the REST list of the newest sample of each broker queue.
"""
