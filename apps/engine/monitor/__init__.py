"""The queue monitor: exact depth, in flight, consumers, rates, oldest age and state of every
socket queue, sampled every tick by one elected monitor per network.

- ``brokers``: counts read from Redis or RabbitMQ (how in flight is counted exactly).
- ``sampling``: ``sample(broker) -> list[QueueSample]``: counts plus the calls table.
- ``election``: the per-network Redis lock.
- ``services``: ``queuelog`` writes, retention, the coalesced live event; ``queue_purge``.
- ``contents``: peek (read in place, never consume) and purge on the broker itself.
- ``selectors``: a broker queue's sockets (404 for any other name) and its waiting messages.
- ``loop``: the tick and the loop ``manage.py queue_monitor`` runs.
- ``api``: the REST list of the newest sample of each broker queue; peek and purge one.
"""
