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
from tests.live.pages import log_in, mark_page, never_reloaded
from tests.live.stack import MOUNT_SECONDS, MOUNT_STEPS, platform_worker_start, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.broker, pytest.mark.django_db(transaction=True)]


def _subscribers(client, topic: str) -> int:
    return int(client.hget(SUBSCRIBERS_KEY, topic) or 0)


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_a_processor_created_in_the_designer_mounts_live_and_its_functions_appear_without_a_reload(
        mount_stack, live_redis, live_redis_url, page, alice, tmp_path, start_process):
    TrustedRepository.objects.create(name="local", pattern="file://*")
    repo = repo_create(root=tmp_path / "repo", source=EXAMPLES)
    log_in(page, mount_stack.url, alice)
    designer = DesignerPage(page, mount_stack.url).create_flow("mounted")
    wait_until(lambda: _subscribers(live_redis, "processors") > 0, what="the palette did not subscribe",
               stack=mount_stack, seconds=15)
    mark_page(page)

    mount = designer.create_processor(name="pipes", repository=repo.url, branch="main", module=EXAMPLE_MODULE)
    expect(mount).to_contain_text("Queued")  # mounted at once: no platform worker has taken it yet

    processor = Processor.objects.get(name="pipes")
    listing = _marked_after_goto(page.context.new_page(), f"{mount_stack.url}/processors/")
    detail = _marked_after_goto(page.context.new_page(), f"{mount_stack.url}/processors/{processor.pk}/")
    expect(listing.locator('[data-processor="pipes"]')).to_have_text("Queued")
    expect(detail.locator("#mount-status")).to_have_text("Queued")
    wait_until(lambda: _subscribers(live_redis, "processors") >= 2 and _subscribers(live_redis, "processor:pipes") > 0,
               what="the processors pages did not subscribe", stack=mount_stack, seconds=15)

    platform_worker_start(start_process, redis_url=live_redis_url)
    expect(mount).to_contain_text("Ready: ", timeout=MOUNT_SECONDS)
    functions = Processor.objects.get(pk=processor.pk).tasks.filter(enabled=True).count()
    expect(mount).to_contain_text(f"Ready: {functions} functions")
    for step in MOUNT_STEPS:
        expect(mount).to_contain_text(f"✓ {step}")
    expect(designer.palette_item("do_something")).to_be_visible()
    expect(listing.locator('[data-processor="pipes"]')).to_have_text("Ready")
    expect(detail.locator("#mount-status")).to_have_text("Ready")
    expect(detail.get_by_role("region", name="Functions")).to_contain_text("do_something")
    for shown in (page, listing, detail):
        assert never_reloaded(shown), f"{shown.url} was reloaded"


def _marked_after_goto(page: Page, url: str) -> Page:
    page.goto(url)
    return mark_page(page)
