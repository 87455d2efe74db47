"""@processor, @socket and @plug declare objects through the API, idempotently."""

from __future__ import annotations

import pytest

from apps.accounts.models import ApiToken, token_digest
from apps.client import api
from apps.client.decorators import ProcessorBase, plug, processor, socket
from apps.processors.models import Plug, Processor, Socket, TrustedRepository

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def connected(live_server, alice, settings):
    settings.ALLOW_FILE_REPOSITORIES = True
    TrustedRepository.objects.create(name="local", pattern="file://*")
    raw = ApiToken.generate()
    ApiToken.objects.create(user=alice, digest=token_digest(raw), prefix=raw[:8])
    api.connect(live_server.url, raw)
    yield
    api._default = None


def declare_network(repo: str) -> None:
    """The spec's decorator example, in shape."""

    @processor(name="proc2", gitrepo=repo, module="elasticcode_examples.sample", concurrency=1)
    class ProcessorB(ProcessorBase):
        @socket(name="proc2.do_this", processor="proc2", queue={"name": "sockq2"})
        def do_this(message):
            return message

    @processor(name="proc1", gitrepo=repo, module="elasticcode_examples.sample", concurrency=7)
    class ProcessorA(ProcessorBase):
        @plug(name="plug1", target="proc2.do_this", queue={"name": "queue1", "message_ttl": 300000})
        @socket(name="proc1.do_something", processor="proc1", queue={"name": "sockq1"}, interval=15)
        def do_something(message):
            return message


def test_running_the_declarations_twice_changes_nothing(connected, example_repo_url):
    declare_network(example_repo_url)
    first = (Processor.objects.count(), Socket.objects.count(), Plug.objects.count())
    stamps = {p.name: p.lastupdated for p in Processor.objects.all()}
    declare_network(example_repo_url)
    assert (Processor.objects.count(), Socket.objects.count(), Plug.objects.count()) == first == (2, 2, 1)
    assert {p.name: p.lastupdated for p in Processor.objects.all()} == stamps, "nothing was rewritten"
    plug_row = Plug.objects.get(name="plug1")
    assert (plug_row.source.name, plug_row.target.name, plug_row.queue.message_ttl) == (
        "proc1.do_something", "proc2.do_this", 300000)
    assert Socket.objects.get(name="proc1.do_something").interval == 15
