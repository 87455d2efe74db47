"""The headers every call message carries besides Celery's own.

``enqueued_at``: when the message was published, in epoch seconds (a float). Set at each
send, so a message a full queue refused and that was sent again carries the time it
really got onto the queue. The queue monitor ages the oldest ready message by it on Redis
(apps.engine.monitor.brokers); a message without it is aged by its call row instead.
"""

from __future__ import annotations

import time

ENQUEUED_AT = "enqueued_at"


def publish_headers(*, enqueued_at: float | None = None) -> dict[str, float]:
    """The headers of a message sent now (``enqueued_at``: another time, for tests and tools)."""
    return {ENQUEUED_AT: time.time() if enqueued_at is None else enqueued_at}
