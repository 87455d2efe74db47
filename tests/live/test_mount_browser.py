"""A processor created in the designer mounts at once, and every open page follows it live:
the palette shows its steps, then its functions; the processors list and the processor
page flip to ready. No page reloads."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from apps.live.publisher import SUBSCRIBERS_KEY
from apps.processors.models import Processor, TrustedRepository
from tests.fixtures.git import EXAMPLE_MODULE, EXAMPLES, repo_create
from tests.live.designer_page import DesignerPage
from tests.live.pages import log_in
from tests.live.stack import stack_start, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.broker, pytest.mark.django_db(transaction=True)]

MOUNT_SECONDS = 120_000  # ms: a cold mount (clone, venv, install) on a loaded machine
STEPS = ("Cloning the repository", "Creating the environment", "Installing requirements", "Reading the functions")
PLATFORM_WORKER = ["-m", "celery", "-A", "flowsite", "worker", "-Q", "elasticcode.platform", "-c", "1",
                   "-n", "platform@tests", "--without-gossip", "--without-mingle"]


@pytest.fixture
def mount_stack(live_redis, live_redis_url, transactional_db, privileges_seeded, tmp_path, broker_url, settings):
    """daphne and the publisher, allowing file:// repositories (the test's git repository)."""
    settings.ALLOW_FILE_REPOSITORIES = True
    settings.MOUNT_ROOT = tmp_path / "mounts"  # a cold mount: every step runs
    stack = stack_start(tmp_path, redis_url=live_redis_url, client=live_redis,
                        env={"BROKER_URL": broker_url, "ALLOW_FILE_REPOSITORIES": "1"})
    yield stack
    stack.stop()
    for name in stack.processes:
        print(f"--- {name} log ---\n{stack.log(name)}")


def _subscribers(client, topic: str) -> int:
    return int(client.hget(SUBSCRIBERS_KEY, topic) or 0)


def _marked(page: Page) -> Page:
    """A page that would lose this mark on a reload."""
    page.evaluate("window.__notReloaded = true")
    return page


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_a_processor_created_in_the_designer_mounts_live_and_its_functions_appear_without_a_reload(
        mount_stack, live_redis, live_redis_url, page, alice, tmp_path, start_process):
    TrustedRepository.objects.create(name="local", pattern="file://*")
    repo = repo_create(root=tmp_path / "repo", source=EXAMPLES)
    log_in(page, mount_stack.url, alice)
    designer = DesignerPage(page, mount_stack.url).create_flow("mounted")
    wait_until(lambda: _subscribers(live_redis, "processors") > 0, what="the palette did not subscribe",
               stack=mount_stack, seconds=15)
    _marked(page)

    palette = page.get_by_role("region", name="Palette")
    palette.get_by_role("button", name="New processor").click()
    form = palette.get_by_role("form", name="New processor")
    for label, value in (("Name", "pipes"), ("Repository", repo.url), ("Branch", "main"), ("Module", EXAMPLE_MODULE)):
        form.get_by_label(label).fill(value)
    form.get_by_role("button", name="Create processor").click()
    mount = palette.get_by_role("listitem", name="Mount of pipes")
    expect(mount).to_contain_text("Queued")  # mounted at once: no platform worker has taken it yet

    processor = Processor.objects.get(name="pipes")
    listing = _marked_after_goto(page.context.new_page(), f"{mount_stack.url}/processors/")
    detail = _marked_after_goto(page.context.new_page(), f"{mount_stack.url}/processors/{processor.pk}/")
    expect(listing.locator('[data-processor="pipes"]')).to_have_text("Queued")
    expect(detail.locator("#mount-status")).to_have_text("Queued")
    wait_until(lambda: _subscribers(live_redis, "processors") >= 2 and _subscribers(live_redis, "processor:pipes") > 0,
               what="the processors pages did not subscribe", stack=mount_stack, seconds=15)

    start_process(PLATFORM_WORKER, REDIS_URL=live_redis_url)
    expect(mount).to_contain_text("Ready: ", timeout=MOUNT_SECONDS)
    functions = Processor.objects.get(pk=processor.pk).tasks.filter(enabled=True).count()
    expect(mount).to_contain_text(f"Ready: {functions} functions")
    for step in STEPS:
        expect(mount).to_contain_text(f"✓ {step}")
    expect(designer.palette_item("do_something")).to_be_visible()
    expect(listing.locator('[data-processor="pipes"]')).to_have_text("Ready")
    expect(detail.locator("#mount-status")).to_have_text("Ready")
    expect(detail.get_by_role("region", name="Functions")).to_contain_text("do_something")
    for shown in (page, listing, detail):
        assert shown.evaluate("window.__notReloaded === true"), f"{shown.url} was reloaded"


def _marked_after_goto(page: Page, url: str) -> Page:
    page.goto(url)
    return _marked(page)
