"""``flow queue peek NAME [--limit N]`` and ``flow queue purge NAME [--yes]`` against the live
server, on Redis and on RabbitMQ, with no worker running."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest

from apps.calls.models import Call, CallState
from tests.engine.monitor.conftest import BrokerQueue
from tests.engine.monitor.sending import publish_calls, ready
from tests.factories import make_processor, make_queue, make_socket

# serialized_rollback like the other CLI tests: a plain transactional flush re-runs post_migrate,
# and the next serialized test then restores rows that already exist.
pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def broker_queue(broker_url) -> Iterator[BrokerQueue]:
    """A uniquely named socket queue: other tests share the brokers."""
    tag = uuid.uuid4().hex[:10]
    queue = BrokerQueue(url=broker_url, socket=make_socket(make_processor(name=f"cliproc-{tag}"),
                                                           queue=make_queue(name=f"cliq-{tag}")))
    yield queue
    queue.close()


def test_peek_shows_the_waiting_calls_oldest_first(flow, broker_queue, broker_url):
    calls = publish_calls(broker_queue, 3)
    result = flow("queue", "peek", broker_queue.name, "--limit", "2")
    assert result.exit_code == 0, result.output
    assert f"Queue {broker_queue.name}: 3 ready; the first 2 from" in result.output
    rows = [line for line in result.output.splitlines() if line.startswith("| ") and "Call" not in line]
    assert [row.split("|")[2].strip() for row in rows] == [str(calls[0].pk), str(calls[1].pk)]
    assert '{"args": [0], "kwargs": {}}' in rows[0]
    as_json = json.loads(flow("--json", "queue", "peek", broker_queue.name).output)
    assert [m["call"] for m in as_json["messages"]] == [str(c.pk) for c in calls]
    assert ready(broker_url, broker_queue) == 3


def test_purge_asks_for_the_name_and_a_wrong_one_purges_nothing(flow, broker_queue, broker_url):
    calls = publish_calls(broker_queue, 2)
    refused = flow("queue", "purge", broker_queue.name, input="something else\n")
    assert refused.exit_code == 2
    assert "nothing was purged" in refused.output
    assert ready(broker_url, broker_queue) == 2

    done = flow("queue", "purge", broker_queue.name, input=f"{broker_queue.name}\n")
    assert done.exit_code == 0, done.output
    assert f'Queue "{broker_queue.name}": purged 2 messages, cancelled 2 queued calls' in done.output
    assert ready(broker_url, broker_queue) == 0
    assert {c.state for c in Call.objects.filter(pk__in=[c.pk for c in calls])} == {CallState.CANCELLED}


def test_purge_yes_skips_the_question(flow, broker_queue, broker_url):
    publish_calls(broker_queue, 1)
    result = flow("--json", "queue", "purge", broker_queue.name, "--yes")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"name": broker_queue.name, "purged": 1, "cancelled": 1}


def test_an_unknown_queue_is_an_error_line_and_exit_code_4(flow, broker_url):
    for args in (("peek", "no-such.queue"), ("purge", "no-such.queue", "--yes")):
        result = flow("queue", *args)
        assert result.exit_code == 4, result.output
        assert "error: No socket or plug sends to a queue named 'no-such.queue'" in result.output
