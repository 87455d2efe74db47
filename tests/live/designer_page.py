"""The flow designer as a user drives it: by role, label and what is on screen."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Locator, Page, expect

SLOW = 20_000  # ms: the first load of the designer's chunks, or a save, on a loaded CI machine


@dataclass
class DesignerPage:
    page: Page
    base_url: str
    flow: str = ""

    def create_flow(self, name: str) -> DesignerPage:
        self.page.goto(f"{self.base_url}/designer/")
        form = self.page.get_by_role("form", name="New flow")
        form.get_by_label("Name").fill(name)
        form.get_by_role("button", name="Create flow").click()
        expect(self.toolbar().get_by_role("heading", name=name)).to_be_visible(timeout=SLOW)
        self.flow = name
        return self

    def toolbar(self) -> Locator:
        return self.page.get_by_role("toolbar", name="Designer")

    def canvas(self) -> Locator:
        return self.page.locator(".react-flow")

    def palette_item(self, function: str) -> Locator:
        palette = self.page.get_by_role("region", name="Palette")
        name = self.page.locator(".palette-name").filter(has_text=re.compile(f"^{re.escape(function)}$"))
        return palette.locator(".palette-item").filter(has=name).first

    def drag_function(self, function: str, *, x: float, y: float) -> Locator:
        """Drag a function from the palette onto the canvas at (x, y) of the canvas box."""
        self.palette_item(function).drag_to(self.canvas(), target_position={"x": x, "y": y})
        node = self.node(function)
        expect(node).to_be_visible(timeout=SLOW)
        return node

    def node(self, socket_name: str) -> Locator:
        """The node of that socket name, or of the function dropped on this flow (``<flow>.<name>``):
        the group its aria label names ("Socket <name> (<processor>: <module>.<function>)")."""
        prefix = f"({re.escape(self.flow)}\\.)?" if self.flow else ""
        return self.page.get_by_role("group", name=re.compile(f"^Socket {prefix}{re.escape(socket_name)} \\("))

    def counts(self, socket_name: str) -> Locator:
        """The node's live call counts; their title spells them out."""
        return self.node(socket_name).locator(".socket-counts")

    def nodes(self) -> Locator:
        return self.page.locator(".react-flow__node-socket")

    def connect(self, source: str, target: str, argument: str) -> None:
        """Drag from the source's result handle onto one argument of the target."""
        self.draw_wire(source, target, argument)
        expect(self.page.locator(".react-flow__edge")).to_have_count(1)

    def draw_wire(self, source: str, target: str, argument: str) -> None:
        """Drag from the source's result handle onto one argument of the target, whatever comes of it."""
        start = self.node(source).locator(".handle-result")
        end = self.node(target).locator(".socket-arg").filter(has_text=re.compile(f"^{re.escape(argument)}\\b"))
        self._drag(start, end)

    def notice(self) -> Locator:
        """The one short message the designer shows (what just happened, or what went wrong)."""
        return self.page.get_by_role("status").locator(".notice")

    def _drag(self, start: Locator, end: Locator) -> None:
        """Mouse down, a few moves, mouse up: how React Flow sees a hand drawing a wire."""
        a, b = start.bounding_box(), end.bounding_box()
        mouse = self.page.mouse
        mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
        mouse.down()
        for step in range(1, 6):
            mouse.move(a["x"] + (b["x"] + 8 - a["x"]) * step / 5,
                       a["y"] + (b["y"] + b["height"] / 2 - a["y"]) * step / 5)
        mouse.up()

    def action(self, label: str) -> None:
        self.toolbar().get_by_role("button", name=label, exact=True).click()

    def dialog(self, title: str | re.Pattern) -> Locator:
        return self.page.get_by_role("dialog", name=title)

    def save(self, message: str) -> None:
        self.action("Save version")
        dialog = self.dialog("Save version")
        dialog.get_by_label("Message").fill(message)
        dialog.get_by_role("button", name="Save version").click()
        expect(dialog).to_be_hidden(timeout=SLOW)
        expect(self.page.get_by_role("status").filter(has_text=re.compile(r"Saved version \d+"))).to_be_visible()

    def deploy(self, number: int) -> Locator:
        self.action("Deploy")
        dialog = self.dialog("Deploy")
        dialog.get_by_label("Version").select_option(str(number))
        dialog.get_by_role("button", name=f"Deploy v{number}").click()
        expect(dialog.get_by_text(f"Version {number} is deployed.")).to_be_visible(timeout=30_000)
        return dialog

    def create_processor(self, *, name: str, repository: str, branch: str, module: str) -> Locator:
        """Create a processor from the palette's form; returns its mount's progress item."""
        palette = self.page.get_by_role("region", name="Palette")
        palette.get_by_role("button", name="New processor").click()
        form = palette.get_by_role("form", name="New processor")
        for label, value in (("Name", name), ("Repository", repository), ("Branch", branch), ("Module", module)):
            form.get_by_label(label).fill(value)
        form.get_by_role("button", name="Create processor").click()
        return palette.get_by_role("listitem", name=f"Mount of {name}")

    def run(self, socket_name: str, data: str) -> Locator:
        """Run the node's socket with ``data`` (the Run dialog's JSON input); returns the dialog."""
        self.select(socket_name)
        self.action("Run socket")
        dialog = self.dialog(re.compile(f"^Run ({re.escape(self.flow)}\\.)?{re.escape(socket_name)}$"))
        dialog.get_by_label("Input (JSON)").fill(data)
        dialog.get_by_role("button", name="Run", exact=True).click()
        return dialog

    def select(self, socket_name: str) -> None:
        self.node(socket_name).locator(".socket-title").click()

    def side_tab(self, name: str) -> None:
        self.page.get_by_role("tablist", name="Side panel").get_by_role("tab", name=name).click()


def two_step(designer: DesignerPage) -> None:
    """do_something's result wired into do_this's ``message``."""
    designer.drag_function("do_something", x=150, y=120)
    designer.drag_function("do_this", x=520, y=260)
    designer.connect("do_something", "do_this", "message")


def two_step_deployed(designer: DesignerPage) -> None:
    """The two-step flow, saved as version 1 and deployed."""
    two_step(designer)
    designer.save("two steps")
    designer.deploy(1).get_by_role("button", name="Close", exact=True).first.click()
