"""A real mount streams its steps live: mounting, cloning, creating the environment,
installing, introspecting, then ready with its function count; a mount that fails says so
with its log. Readers of processors get them in that order; a user who may not read
processors gets none of them."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from apps.engine.mounting import processor_mount
from apps.engine.mounts.errors import MountError
from apps.live import counters
from apps.live.groups import event_topics
from apps.live.publisher import Publisher, entries_read, group_ensure, tick
from apps.processors.models import MountStatus, Processor, TrustedRepository
from apps.processors.services import processor_create
from tests.fixtures.api import make_user
from tests.fixtures.git import EXAMPLE_MODULE, EXAMPLES, repo_create
from tests.live.conftest import run_async, token_communicator, ws_ask, ws_joined

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("privileges_seeded")]

COLD_STEPS = [("mounting", None), ("stage", "cloning"), ("stage", "environment"), ("stage", "installing"),
              ("stage", "introspecting"), ("ready", None)]
WARM_FAILED_STEPS = [("mounting", None), ("stage", "cloning"), ("stage", "introspecting"), ("failed", None)]


@pytest.fixture
def fresh_processor(settings, tmp_path) -> Processor:
    """A processor on a repository no mount has seen (a cold mount: clone, venv, install)."""
    settings.ALLOW_FILE_REPOSITORIES = True
    settings.MOUNT_ROOT = tmp_path / "mounts"
    TrustedRepository.objects.create(name="local", pattern="file://*")
    repo = repo_create(root=tmp_path / "repo", source=EXAMPLES)
    return processor_create(by=None, fields={"name": "streamed", "gitrepo": repo.url, "module": EXAMPLE_MODULE,
                                             "branch": "main"})


def test_a_mount_event_goes_to_the_processors_topics_only():
    event = {"kind": "mount", "event": "stage", "stage": "cloning", "processor": "p1", "status": "mounting"}
    assert event_topics(event, flows=("f1",)) == ["processors", "processor:p1"]


async def _mount_events(comm, *, until: str) -> list[dict]:
    """The mount events the connection receives, up to the first ``until`` event."""
    seen: list[dict] = []
    while not seen or seen[-1]["event"] != until:
        frame = await comm.receive_json_from(timeout=30)
        assert frame["type"] == "events", frame
        seen += [event for event in frame["events"] if event["kind"] == "mount"]
    return seen


def _functions(processor: Processor) -> int:
    return processor.tasks.filter(enabled=True).count()


def _module_set(processor: Processor, module: str) -> None:
    Processor.objects.filter(pk=processor.pk).update(module=module)
    processor.refresh_from_db()


def _mount_publish(pub: Publisher, processor: Processor):
    async def mount_and_tick() -> None:
        try:
            await database_sync_to_async(processor_mount)(processor=processor)
        except MountError:
            pass  # recorded on the processor and in its failed event
        while await tick(pub, await entries_read(pub)):
            pass

    return mount_and_tick()


def test_a_mount_streams_its_steps_in_order_to_readers_and_nothing_to_others(live_redis, fresh_processor):
    reader = token_communicator(make_user("LS_PROCESSORS", "READ_PROCESSOR"))
    outsider = token_communicator(make_user("LS_CALLS"))

    async def scenario():
        await ws_joined(reader)
        await ws_joined(outsider)
        for topic in ("processors", "processor:streamed"):
            assert (await ws_ask(reader, topic))["type"] == "subscribed"
            refused = await ws_ask(outsider, topic)
            assert refused["type"] == "error" and "right" in refused["message"], refused
        assert (await ws_ask(outsider, "calls:all"))["type"] == "subscribed"
        pub = Publisher(client=counters.redis_async())
        await group_ensure(pub)

        await _mount_publish(pub, fresh_processor)
        cold = await _mount_events(reader, until="ready")
        assert [(e["event"], e.get("stage")) for e in cold] == COLD_STEPS
        assert {(e["processor"], e["processor_id"]) for e in cold} == {("streamed", str(fresh_processor.pk))}
        ready = cold[-1]
        assert ready["status"] == MountStatus.READY and ready["commit"] == fresh_processor.mount_commit
        assert ready["functions"] == await database_sync_to_async(_functions)(fresh_processor) > 0

        await database_sync_to_async(_module_set)(fresh_processor, "elasticcode_examples.missing")
        await _mount_publish(pub, fresh_processor)
        failed = await _mount_events(reader, until="failed")
        assert [(e["event"], e.get("stage")) for e in failed] == WARM_FAILED_STEPS
        assert failed[-1]["status"] == MountStatus.FAILED
        assert "could not import module 'elasticcode_examples.missing'" in failed[-1]["log"]
        assert failed[-1]["log"] == fresh_processor.mount_log

        assert await outsider.receive_nothing(timeout=1)
        await reader.disconnect()
        await outsider.disconnect()

    run_async(scenario)
