"""Live tests run on a Redis database of their own (one of 12-15 that holds no one else's
keys and that no other test session holds, or LIVE_TEST_REDIS_URL) and delete only the keys
they made there: the event stream, live counters, the channel layer."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.db import connections

from apps.accounts.models import Privilege
from apps.accounts.rights import ALL_RIGHTS
from apps.accounts.services import token_create
from apps.engine import events
from apps.live import counters
from flowsite.layers import channel_layers_setting

# Redis databases the live tests may use; each test session takes one no other session holds
# (several suites may run at once on one machine), or LIVE_TEST_REDIS_URL when set.
LIVE_REDIS_BASE = os.environ.get("LIVE_TEST_REDIS_BASE", "redis://127.0.0.1:6379")
LIVE_DATABASES = range(12, 16)
LOCK_KEY = "live-test-session-lock"
LAYER_PREFIX = "livetest"
# db 11 is ours alone; the daphne and publisher processes use the default "asgi" prefix.
OUR_KEYS = ("elasticcode:*", f"{LAYER_PREFIX}*", "asgi*")
FIGURES: dict[str, str] = {}


@pytest.fixture(scope="session")
def live_redis_url():
    """A Redis database of this session's own, locked while the session runs."""
    if os.environ.get("LIVE_TEST_REDIS_URL"):
        yield os.environ["LIVE_TEST_REDIS_URL"]
        return
    owner = f"{os.getpid()}-{uuid.uuid4().hex}"
    for number in LIVE_DATABASES:
        client = redis.Redis.from_url(f"{LIVE_REDIS_BASE}/{number}")
        if _foreign_keys(client):
            continue  # someone else's data lives there
        if client.set(LOCK_KEY, owner, nx=True, ex=3600):
            yield f"{LIVE_REDIS_BASE}/{number}"
            if client.get(LOCK_KEY) == owner.encode():
                client.delete(LOCK_KEY)
            return
    pytest.fail(f"Redis databases {LIVE_DATABASES.start}-{LIVE_DATABASES.stop - 1} are all held by other "
                f"test sessions (key {LOCK_KEY}); set LIVE_TEST_REDIS_URL")


def _foreign_keys(client: redis.Redis) -> bool:
    ours = [f"{pattern[:-1]}".encode() for pattern in OUR_KEYS]
    return any(key != LOCK_KEY.encode() and not key.startswith(tuple(ours)) for key in client.scan_iter(count=1000))


def layer_settings(url: str) -> dict:
    """The platform's own layer configuration (flowsite.layers), under the tests' prefix."""
    return channel_layers_setting(url, prefix=LAYER_PREFIX)


def forget_our_keys(client: redis.Redis) -> None:
    for pattern in OUR_KEYS:
        keys = list(client.scan_iter(pattern, count=1000))
        if keys:
            client.delete(*keys)


def reset_clients() -> None:
    events._client.cache_clear()
    counters._sync_client.cache_clear()
    counters._async_clients.clear()
    channel_layers.backends.clear()


@pytest.fixture
def privileges_seeded():
    """Transactional tests start from an empty database: put back the seeded privileges."""
    existing = set(Privilege.objects.values_list("right", flat=True))
    Privilege.objects.bulk_create([Privilege(name=r, right=r) for r in ALL_RIGHTS if r not in existing])


@pytest.fixture
def live_redis(settings, live_redis_url):
    """Point the event stream, live counters and the channel layer at the test database."""
    settings.REDIS_URL = live_redis_url
    settings.CHANNEL_LAYERS = layer_settings(live_redis_url)
    client = redis.Redis.from_url(live_redis_url, decode_responses=True)
    forget_our_keys(client)
    reset_clients()
    yield client
    forget_our_keys(client)
    reset_clients()


def run_async(scenario):
    """Run ``scenario()`` on an event loop of its own thread (Playwright's sync API may own
    this thread's loop), then close the connections the ORM opened for it."""

    async def whole():
        try:
            return await scenario()
        finally:
            await database_sync_to_async(connections.close_all)()
            await _tasks_settle()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_loop_run, whole()).result()


async def ws_joined(comm) -> None:
    """Connect a communicator and read the server's hello."""
    assert (await comm.connect(timeout=5))[0]
    assert (await comm.receive_json_from(timeout=5))["type"] == "hello"


async def ws_ask(comm, topic: str) -> dict:
    """Subscribe to ``topic``; the server's answer (``subscribed`` or ``error``)."""
    await comm.send_json_to({"type": "subscribe", "topic": topic})
    return await comm.receive_json_from(timeout=5)


SETTLE_SECONDS = 30.0


async def _tasks_settle() -> None:
    """Cancel what the scenario left running (a refused socket's consumer still waits in
    the channel layer's receive) and wait for it, bounded. Left to ``asyncio.run``, that
    cancellation sometimes never ended (channels_redis 4.3 on redis-py 8), so a test hung
    for good; a task that outlives the bound is reported and abandoned instead."""
    others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in others:
        task.cancel()
    if not others:
        return
    _, stuck = await asyncio.wait(others, timeout=SETTLE_SECONDS)
    for task in stuck:
        print(f"live tests: a task did not end within {SETTLE_SECONDS:.0f} s of its cancel: {task!r}")


def _loop_run(main):
    """``asyncio.run`` without its unbounded wait for tasks that ignore their cancel."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(main)
    finally:
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()


def call_payload(**fields) -> dict:
    """A call event as apps.engine.events.call_event makes it."""
    payload = {"kind": "call", "event": "postrun", "state": "finished", "call": str(uuid.uuid4()),
               "run": str(uuid.uuid4()), "parent": None, "socket": "sock", "processor": "proc", "name": "sock"}
    payload.update(fields)
    return payload


def stream_add(client: redis.Redis, payloads: list[dict]) -> None:
    """Append events the way event_publish does, in one round trip (a burst)."""
    pipe = client.pipeline(transaction=False)
    for payload in payloads:
        pipe.xadd(events.STREAM_KEY, {"e": json.dumps(payload)}, maxlen=events.STREAM_MAXLEN, approximate=True)
    pipe.execute()


def raw_token(user) -> str:
    _token, raw = token_create(user=user, by=user, name="live-test")
    return raw


def communicator(path: str = "/ws/", headers: list | None = None) -> WebsocketCommunicator:
    from flowsite.asgi import application

    return WebsocketCommunicator(application, path, headers=headers or [])


def token_communicator(user) -> WebsocketCommunicator:
    return communicator(f"/ws/?token={raw_token(user)}")


@pytest.fixture(scope="session")
def figures() -> dict[str, str]:
    """Measured figures, printed in the terminal summary."""
    return FIGURES


def pytest_terminal_summary(terminalreporter) -> None:
    if FIGURES:
        terminalreporter.write_sep("-", "live figures")
        for name, value in FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")


@pytest.fixture
def designer_stack(live_redis, live_redis_url, transactional_db, privileges_seeded, tmp_path, broker_url):
    """daphne and the live publisher on the test's broker, so a Run reaches the test's worker."""
    from tests.live.stack import stack_start

    stack = stack_start(tmp_path, redis_url=live_redis_url, client=live_redis, env={"BROKER_URL": broker_url})
    yield stack
    stack.stop()
    for name in stack.processes:
        print(f"--- {name} log ---\n{stack.log(name)}")


@pytest.fixture
def live_stack(live_redis, live_redis_url, transactional_db, privileges_seeded, tmp_path):
    """A real daphne and a real ``manage.py live_publisher`` against the test database and
    the test Redis database; stopped after the test."""
    from tests.live.stack import stack_start

    stack = stack_start(tmp_path, redis_url=live_redis_url, client=live_redis)
    yield stack
    stack.stop()
    for name in stack.processes:  # shown when the test failed
        print(f"--- {name} log ---\n{stack.log(name)}")


@pytest.fixture
def mount_stack(live_redis, live_redis_url, transactional_db, privileges_seeded, tmp_path, broker_url, settings):
    """daphne and the publisher, allowing file:// repositories (the test's git repository)."""
    from tests.live.stack import stack_start

    settings.ALLOW_FILE_REPOSITORIES = True
    settings.MOUNT_ROOT = tmp_path / "mounts"  # a cold mount: every step runs
    stack = stack_start(tmp_path, redis_url=live_redis_url, client=live_redis,
                        env={"BROKER_URL": broker_url, "ALLOW_FILE_REPOSITORIES": "1"})
    yield stack
    stack.stop()
    for name in stack.processes:
        print(f"--- {name} log ---\n{stack.log(name)}")
