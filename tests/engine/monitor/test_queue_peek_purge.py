"""``GET /api/monitor/queues/<name>/messages/`` (peek, redacted, takes nothing) and
``POST /api/monitor/queues/<name>/purge/`` (empties the queue, cancels its queued calls),
on Redis and on RabbitMQ, with no worker running."""

from __future__ import annotations

import pytest

from apps.calls.models import Call, CallState, Event
from apps.engine.monitor.contents import message_call_id
from tests.engine.monitor.sending import publish_calls, ready
from tests.factories import make_call, make_socket
from tests.fixtures.api import make_user

pytestmark = [pytest.mark.broker, pytest.mark.django_db]


def messages_url(name: str) -> str:
    return f"/api/monitor/queues/{name}/messages/"


def purge_url(name: str) -> str:
    return f"/api/monitor/queues/{name}/purge/"


def test_peek_lists_the_waiting_calls_oldest_first_and_takes_nothing(alice_api, broker_queue, broker_url):
    calls = publish_calls(broker_queue, 4, blob=500)
    body = alice_api.get(messages_url(broker_queue.name), {"limit": 3}).json()
    assert body["source"] == ("calls" if broker_url.startswith("amqp") else "broker")
    assert (body["name"], body["ready"], body["limit"], body["arguments_shown"]) == (broker_queue.name, 4, 3, True)
    assert [m["call"] for m in body["messages"]] == [str(c.pk) for c in calls[:3]]
    first = body["messages"][0]
    assert first["position"] == 1
    assert (first["socket"], first["state"], first["run"]) == (broker_queue.socket.name, "queued",
                                                               str(calls[0].tracking))
    assert first["age"] >= 0 and first["created"]
    assert len(first["arguments"]) == 200 and first["arguments"].startswith('{"args": [0]')
    assert not {"headers", "properties", "body"} & set(first)
    assert ready(broker_url, broker_queue) == 4  # nothing was taken
    again = alice_api.get(messages_url(broker_queue.name), {"limit": 3}).json()
    assert again["messages"] == [m | {"age": n["age"]} for m, n in zip(body["messages"], again["messages"])]


def test_peek_on_redis_follows_the_priority_lists_in_delivery_order(alice_api, broker_queue, broker_url):
    if broker_url.startswith("amqp"):
        pytest.skip("RabbitMQ is peeked from the calls table")
    broker_queue.publish(3, priorities=(0, 9, 3))  # messages carrying no call of this queue
    body = alice_api.get(messages_url(broker_queue.name)).json()
    assert [m["priority"] for m in body["messages"]] == [0, 3, 9]
    assert all(m["call"] is None and m["arguments"] is None for m in body["messages"])
    assert body["ready"] == 3


def test_arguments_are_shown_only_to_users_who_may_read_calls(api_as, broker_queue, broker_url):
    publish_calls(broker_queue, 1, blob=500)
    body = api_as(make_user("READ_QUEUE")).get(messages_url(broker_queue.name)).json()
    assert body["arguments_shown"] is False
    [message] = body["messages"]
    assert message["arguments"] is None and message["call"] is not None
    [message] = api_as(make_user("READ_QUEUE", "READ_CALL")).get(messages_url(broker_queue.name)).json()["messages"]
    assert message["arguments"].startswith('{"args": [0]')


@pytest.mark.parametrize("limit", ["0", "501", "x", "-1"])
def test_a_bad_limit_is_a_400(alice_api, broker_queue, limit):
    response = alice_api.get(messages_url(broker_queue.name), {"limit": limit})
    assert response.status_code == 400
    assert "limit" in response.json()["detail"]


def test_an_unknown_queue_is_a_404_even_if_the_broker_has_that_key(alice_api, broker_queue, broker_url):
    publish_calls(broker_queue, 1)
    for name in (broker_queue.socket.queue.name, "elasticcode:events", "unacked", "nope.nope"):
        response = alice_api.get(messages_url(name))
        assert response.status_code == 404, name
        assert "No socket or plug sends to a queue named" in response.json()["message"]
        assert alice_api.post(purge_url(name), {"confirm": name}, format="json").status_code == 404
    assert ready(broker_url, broker_queue) == 1


def test_a_wrong_confirmation_is_a_400_and_purges_nothing(alice_api, broker_queue, broker_url, audit_log):
    calls = publish_calls(broker_queue, 3)
    for body in ({"confirm": "yes"}, {"confirm": ""}, {}):
        response = alice_api.post(purge_url(broker_queue.name), body, format="json")
        assert response.status_code == 400, body
        assert "confirm" in response.json()["detail"]
    assert "Nothing was purged" in alice_api.post(
        purge_url(broker_queue.name), {"confirm": "yes"}, format="json").json()["message"]
    assert ready(broker_url, broker_queue) == 3
    assert set(Call.objects.filter(pk__in=[c.pk for c in calls]).values_list("state", flat=True)) == {"queued"}
    assert audit_log() == []


def test_purge_empties_the_queue_cancels_its_calls_and_is_audited(alice_api, broker_queue, broker_url, audit_log):
    calls = publish_calls(broker_queue, 5)
    running = make_call(broker_queue.socket, state=CallState.RUNNING)
    elsewhere = make_call(make_socket())  # another queue's call is left alone
    response = alice_api.post(purge_url(broker_queue.name), {"confirm": broker_queue.name}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"name": broker_queue.name, "purged": 5, "cancelled": 5}
    assert ready(broker_url, broker_queue) == 0
    states = dict(Call.objects.values_list("pk", "state"))
    assert {states[c.pk] for c in calls} == {CallState.CANCELLED}
    assert (states[running.pk], states[elsewhere.pk]) == (CallState.RUNNING, CallState.QUEUED)
    [event] = Event.objects.filter(call=calls[0])
    assert (event.name, event.note) == ("purged", f"Purged by alice from queue {broker_queue.name}")
    assert audit_log() == [("alice", f"purged queue {broker_queue.name}: 5 messages removed, 5 queued calls cancelled")]
    assert alice_api.get(messages_url(broker_queue.name)).json()["messages"] == []


def test_the_rights_are_read_queue_to_peek_and_update_queue_to_purge(api_as, broker_queue, broker_url):
    publish_calls(broker_queue, 2)
    confirm = {"confirm": broker_queue.name}
    for user in (make_user(), make_user("LS_QUEUES", "UPDATE_QUEUE"), make_user("READ_QUEUE", revoked=("READ_QUEUE",))):
        assert api_as(user).get(messages_url(broker_queue.name)).status_code == 403
    for user in (make_user(), make_user("READ_QUEUE", "READ_CALL"),
                 make_user("UPDATE_QUEUE", revoked=("UPDATE_QUEUE",))):
        response = api_as(user).post(purge_url(broker_queue.name), confirm, format="json")
        assert response.status_code == 403
        assert "UPDATE_QUEUE" in response.json()["message"]
    assert ready(broker_url, broker_queue) == 2
    assert api_as(make_user("UPDATE_QUEUE")).post(purge_url(broker_queue.name), confirm,
                                                  format="json").json()["purged"] == 2


def test_anonymous_users_are_refused(client, broker_queue):
    assert client.get(messages_url(broker_queue.name)).status_code in (401, 403)
    assert client.post(purge_url(broker_queue.name), {"confirm": broker_queue.name}).status_code in (401, 403)


def test_message_call_id_reads_a_call_message_and_nothing_else():
    assert message_call_id(b"not json") is None
    assert message_call_id(b'{"body": "W10=", "properties": {"body_encoding": "base64"}}') is None
