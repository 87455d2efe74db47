"""A processor's scaling bounds: defaults keep its concurrency, bad bounds are 400s with
the field named, and new bounds apply at once to a running processor."""

from __future__ import annotations

import pytest
from django.utils import timezone

from apps.core.models import Status
from apps.network.models import Agent, Node
from apps.processors.models import Processor
from apps.processors.services import processor_request_action, processor_update
from tests.factories import make_processor

pytestmark = pytest.mark.django_db


def make_node(hostname: str, cpus: int = 4) -> Node:
    node = Node.objects.create(name=hostname, hostname=hostname, cpus=cpus, heartbeat=timezone.now(), status=Status.UP)
    Agent.objects.create(name=hostname, hostname=hostname, node=node, cpus=cpus, heartbeat=timezone.now())
    return node


def test_by_default_min_max_and_current_are_the_concurrency(alice_api):
    processor = make_processor(concurrency=3)
    shown = alice_api.get(f"/api/processors/{processor.pk}/").json()
    assert (shown["min_concurrency"], shown["max_concurrency"], shown["current_concurrency"]) == (3, 3, 3)
    assert (shown["drain_seconds"], shown["scale_to_zero"], shown["last_scale_reason"]) == (30, False, "")
    row = Processor.objects.get(pk=processor.pk)
    assert (row.min_concurrency, row.max_concurrency, row.current_concurrency) == (None, None, None)


@pytest.mark.parametrize("body, field, words", [
    ({"min_concurrency": 3, "max_concurrency": 2}, "min_concurrency", "above the maximum"),
    ({"max_concurrency": 0}, "max_concurrency", "greater than or equal to 1"),
    ({"min_concurrency": 0}, "min_concurrency", "needs scale_to_zero"),
    ({"min_concurrency": 4}, "min_concurrency", "above the maximum (1)"),
    ({"drain_seconds": 0}, "drain_seconds", "greater than or equal to 1"),
    ({"min_concurrency": -1}, "min_concurrency", "greater than or equal to 0"),
])
def test_bounds_that_do_not_hold_are_a_400_naming_the_field(alice_api, body, field, words):
    processor = make_processor(concurrency=1)
    response = alice_api.patch(f"/api/processors/{processor.pk}/", body, format="json")
    assert response.status_code == 400, response.content
    assert words in " ".join(response.json()["detail"][field])


def test_valid_bounds_are_saved_and_shown(alice_api):
    processor = make_processor(concurrency=1)
    body = {"min_concurrency": 0, "max_concurrency": 4, "scale_to_zero": True, "drain_seconds": 10}
    response = alice_api.patch(f"/api/processors/{processor.pk}/", body, format="json")
    assert response.status_code == 200, response.content
    shown = response.json()
    assert (shown["min_concurrency"], shown["max_concurrency"], shown["current_concurrency"]) == (0, 4, 1)
    assert (shown["scale_to_zero"], shown["drain_seconds"]) == (True, 10)


def test_new_bounds_apply_at_once_to_a_running_processor():
    make_node("n1")
    processor = make_processor(concurrency=1)
    processor_request_action(processor=processor, by=None, action="start")
    processor_update(processor=processor, by=None, fields={"min_concurrency": 2, "max_concurrency": 3})
    assert dict(processor.deployments.values_list("hostname", "cpus")) == {"n1": 2}
    processor = Processor.objects.get(pk=processor.pk)
    processor.current_concurrency = 3
    processor.save()
    processor_update(processor=processor, by=None, fields={"max_concurrency": 2})
    assert Processor.objects.get(pk=processor.pk).current_concurrency == 2


def test_a_stopped_processor_is_not_placed_by_new_bounds():
    make_node("n1")
    processor = make_processor(concurrency=1)
    processor_update(processor=processor, by=None, fields={"max_concurrency": 3})
    assert not processor.deployments.exists()
