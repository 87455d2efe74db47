import { describe, expect, it } from "vitest";
import { runAction } from "./actions";
import { createDesignerStore } from "./designer";
import { toFlow, type DesignerNode } from "./flow";
import { freeSpot, nodeSize, overlaps, PLACEMENT_GAP, type Rect } from "./placement";
import { doc, socket } from "./testing";

const spec = { processor: "p", module: "m", task: "fn", arguments: [{ name: "a", annotation: "int" }] };
const rectOf = (node: DesignerNode): Rect => ({ ...node.position, ...nodeSize(node) });
const within = (rect: Rect, view: Rect) =>
  rect.x >= view.x && rect.y >= view.y && rect.x + rect.width <= view.x + view.width && rect.y + rect.height <= view.y + view.height;

function overlapping(nodes: readonly DesignerNode[]): string[] {
  const found: string[] = [];
  nodes.forEach((a, i) => nodes.slice(i + 1).forEach((b) => overlaps(rectOf(a), rectOf(b)) && found.push(`${a.id} on ${b.id}`)));
  return found;
}

describe("freeSpot", () => {
  const placed = toFlow(doc([socket("a", 0, 0), socket("b", 400, 0)])).nodes;
  const size = { width: 170, height: 70 };

  it("keeps the spot asked for when nothing is there", () => {
    expect(freeSpot(placed, { x: 0, y: 300 }, size)).toEqual({ x: 0, y: 300 });
  });

  it("moves a node asked for on top of another to the nearest spot clear of it", () => {
    const spot = freeSpot(placed, { x: 10, y: 10 }, size);
    const rect = { ...spot, ...size };
    expect(placed.some((node) => overlaps(rect, rectOf(node), PLACEMENT_GAP))).toBe(false);
    expect(Math.hypot(spot.x - 10, spot.y - 10)).toBeLessThan(200);
  });

  it("prefers free space inside the view, even when a nearer spot lies outside it", () => {
    const view = { x: -20, y: -20, width: 640, height: 260 };
    const spot = freeSpot(placed, { x: 10, y: 10 }, size, view);
    expect(within({ ...spot, ...size }, view)).toBe(true);
    expect(placed.some((node) => overlaps({ ...spot, ...size }, rectOf(node), PLACEMENT_GAP))).toBe(false);
  });

  it("goes outside the view only when the view has no room left", () => {
    const view = { x: 0, y: 0, width: 570, height: 66 };
    const spot = freeSpot(placed, { x: 0, y: 0 }, size, view);
    expect(placed.some((node) => overlaps({ ...spot, ...size }, rectOf(node), PLACEMENT_GAP))).toBe(false);
  });
});

describe("adding nodes", () => {
  const view = { x: 0, y: 0, width: 900, height: 600 };

  it("never puts a function added by button (or dropped) on top of another, and keeps it on screen", () => {
    const store = createDesignerStore();
    store.getState().load(doc([socket("s1", 300, 200)]));
    for (let i = 0; i < 12; i++) store.getState().addSocketNode(spec, { x: 320, y: 230 }, view);
    const { nodes } = store.getState();
    expect(nodes).toHaveLength(13);
    expect(overlapping(nodes)).toEqual([]);
    for (const node of nodes) expect(within(rectOf(node), view), node.id).toBe(true);
  });

  it("never puts a note added from the keyboard on top of another node", () => {
    const store = createDesignerStore();
    store.getState().load(doc([socket("s1", 100, 100)]));
    for (let i = 0; i < 5; i++) expect(runAction("addNote", store)).toBe(true);
    expect(store.getState().nodes).toHaveLength(6);
    expect(overlapping(store.getState().nodes)).toEqual([]);
  });
});
