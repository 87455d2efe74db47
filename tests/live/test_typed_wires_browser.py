"""Typed wires in a real browser: a wire from an ``int`` result into a ``str`` argument is
not made on the canvas and the reason is shown; a version holding such a wire (made through
the API) is refused by the server's deploy with the same words, and nothing is deployed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.flows.models import Flow, Version
from apps.processors.models import Argument, MountStatus, Plug, Socket
from tests.factories import make_processor, make_task
from tests.live.designer_page import SLOW, DesignerPage
from tests.live.pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MISMATCH = ("Types do not match: the result of typed.count is int, and argument text of typed.shout takes str: "
            "int is not str.")


def _typed_processor() -> None:
    """Mounted functions as introspection records them: count() -> int, shout(text: str), add(n: float)."""
    processor = make_processor(name="typed", mount_status=MountStatus.READY)
    make_task(processor, name="count", returns="int")
    shout = make_task(processor, name="shout", returns="str")
    Argument.objects.create(task=shout, name="text", annotation="str", position=0)
    add = make_task(processor, name="add", returns="float")
    Argument.objects.create(task=add, name="n", annotation="float", position=0)


def test_an_int_result_into_a_str_argument_is_refused_on_the_canvas_and_by_the_deploy(live_stack, page, alice):
    _typed_processor()
    log_in(page, live_stack.url, alice)
    designer = DesignerPage(page, live_stack.url).create_flow("typed")
    designer.drag_function("count", x=150, y=120)
    designer.drag_function("shout", x=520, y=120)
    designer.drag_function("add", x=520, y=320)
    expect(designer.node("count").locator(".handle-result")).to_have_attribute("title", "Result: int")

    designer.draw_wire("count", "shout", "text")
    expect(designer.notice()).to_contain_text(MISMATCH)
    expect(page.locator(".react-flow__edge")).to_have_count(0)

    designer.connect("count", "add", "n")  # int fits float: made
    designer.save("typed")
    document = Flow.objects.get(name="typed").versions.get(number=1).document
    saved = next(node for node in document["nodes"] if node["data"]["task"] == "count")
    shout = next(node for node in document["nodes"] if node["data"]["task"] == "shout")
    assert saved["data"]["returns"] == "int"

    # The same wire in a version saved through the API (the CLI, an import): the server refuses it.
    wired = {**document, "edges": [*document["edges"], {
        "id": "bad", "source": saved["id"], "target": shout["id"], "sourceHandle": "result",
        "targetHandle": "arg:text", "data": {"plugType": "RESULT", "queue": document["edges"][0]["data"]["queue"]}}]}
    Version.objects.create(name="v2", flow=Flow.objects.get(name="typed"), number=2, document=wired)
    designer.action("Deploy")
    dialog = designer.dialog("Deploy")
    expect(dialog.get_by_label("Version").locator("option[value='2']")).to_be_attached(timeout=SLOW)
    dialog.get_by_label("Version").select_option("2")
    dialog.get_by_role("button", name="Deploy v2").click()
    expect(dialog).to_contain_text(f"Deploying version 2 failed: {MISMATCH}", timeout=SLOW)
    assert not Socket.objects.exists() and not Plug.objects.exists()
