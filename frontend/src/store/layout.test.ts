import { describe, expect, it } from "vitest";
import type { XY } from "./document";
import { toFlow, type PlugEdge } from "./flow";
import { SOCKET, WIRE_LABEL } from "./geometry";
import { layoutPositions } from "./layout";
import { nodeSize, overlaps, type Rect } from "./placement";
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

describe("arranged wires have room for their labels", () => {
  /** Each plug's label box, centred halfway between its two handles as PlugEdge draws it. */
  function labelBoxes(edges: PlugEdge[], positions: Record<string, XY>): Rect[] {
    const at = (id: string) => positions[id] ?? { x: 0, y: 0 };
    return edges.map((edge) => {
      const source = at(edge.source);
      const target = at(edge.target);
      const x = (source.x + SOCKET.width + target.x) / 2;
      const y = (source.y + SOCKET.inTop + target.y + SOCKET.inTop) / 2;
      return { x: x - WIRE_LABEL.width / 2, y: y - WIRE_LABEL.height / 2, ...WIRE_LABEL };
    });
  }

  const shapes: Record<string, [string[], [string, string][]]> = {
    chain: [["a", "b", "c", "d"], [["a", "b"], ["b", "c"], ["c", "d"]]],
    "fan out": [["a", "b", "c", "d"], [["a", "b"], ["a", "c"], ["a", "d"]]],
    "fan in": [["a", "b", "c", "d"], [["a", "d"], ["b", "d"], ["c", "d"]]],
    diamond: [["a", "b", "c", "d"], [["a", "b"], ["a", "c"], ["b", "d"], ["c", "d"]]],
    "a shortcut past a step": [["a", "b", "c"], [["a", "b"], ["b", "c"], ["a", "c"]]],
  };

  for (const [shape, [ids, pairs]] of Object.entries(shapes)) {
    it(`leaves every label clear of the nodes and of the other labels: ${shape}`, () => {
      // Packed on one spot, as a user who dropped everything in the middle leaves them.
      const packed = doc(ids.map((id) => socket(id, 0, 0, ["message"])), pairs.map(([s, t], i) => plug(`p${i}`, s, t)));
      const { nodes, edges } = toFlow(packed);
      const positions = layoutPositions(nodes, edges);
      const boxes = nodes.map((node) => ({ ...(positions[node.id] ?? node.position), ...nodeSize(node) }));
      const labels = labelBoxes(edges, positions);
      for (const [i, label] of labels.entries()) {
        expect(boxes.filter((box) => overlaps(label, box)), `label of ${pairs[i]?.join("→")}`).toEqual([]);
        expect(labels.filter((other, j) => j !== i && overlaps(label, other)), `label of ${pairs[i]?.join("→")}`).toEqual([]);
      }
      expect(boxes.filter((box, i) => boxes.some((other, j) => j !== i && overlaps(box, other)))).toEqual([]);
    });
  }
});
