import { describe, expect, it } from "vitest";
import { toFlow } from "./flow";
import { layoutPositions } from "./layout";
import { doc, plug, socket } from "./testing";

describe("layoutPositions", () => {
  it("places every top-level socket and group, left to right along plugs", () => {
    const d = doc([socket("a", 0, 0), socket("b", 0, 0), socket("c", 0, 0), socket("lonely", 0, 0)], [plug("p1", "a", "b"), plug("p2", "b", "c")]);
    d.nodes.push({ id: "g", type: "group", position: { x: 0, y: 0 }, data: { label: "" }, width: 300, height: 200 });
    d.nodes.push({ id: "note", type: "note", position: { x: 9, y: 9 }, data: { text: "" } });
    const { nodes, edges } = toFlow(d);
    const positions = layoutPositions(nodes, edges);
    expect(Object.keys(positions).sort()).toEqual(["a", "b", "c", "g", "lonely"]);
    for (const position of Object.values(positions)) {
      expect(Number.isFinite(position.x) && Number.isFinite(position.y)).toBe(true);
    }
    expect(positions.a!.x).toBeLessThan(positions.b!.x);
    expect(positions.b!.x).toBeLessThan(positions.c!.x);
  });

  it("copes with cycles and an empty graph", () => {
    const { nodes, edges } = toFlow(doc([socket("a"), socket("b")], [plug("p1", "a", "b"), plug("p2", "b", "a")]));
    expect(Object.keys(layoutPositions(nodes, edges))).toHaveLength(2);
    expect(layoutPositions([], [])).toEqual({});
  });
});
