from datetime import timedelta

import pytest
from django.utils import timezone

from apps.calls.models import Join
from apps.engine.routing import joins_expire
from apps.processors.models import Argument
from tests.factories import make_call, make_plug, make_socket

pytestmark = pytest.mark.django_db


def test_an_expired_join_is_removed_with_an_event_on_the_calls_that_fed_it():
    source, target = make_socket(), make_socket()
    for name in ("one", "two"):
        make_plug(source, target, argument=Argument.objects.create(name=name, task=target.task))
    fed = make_call(source)
    Join.objects.create(tracking=fed.tracking, target=target, values={"one": 1}, parents=[str(fed.pk)],
                        expires=timezone.now() - timedelta(seconds=1))
    fresh = Join.objects.create(tracking=make_call(source).tracking, target=target,
                                expires=timezone.now() + timedelta(hours=1))
    assert joins_expire() == 1
    assert list(Join.objects.all()) == [fresh]
    event = fed.events.get(name="join_expired")
    assert "waiting for two" in event.note
    assert not fed.children.exists(), "a partial join never produces a downstream call"
