import { describe, expect, it } from "vitest";
import { toFlow } from "../store/flow";
import { doc, socket } from "../store/testing";
import { contains, frameFor, nodeBoxes, union } from "./minimapDraw";

describe("minimap geometry", () => {
  it("places group members by their group and sizes unmeasured nodes by default", () => {
    const d = doc([socket("a", 10, 20)]);
    d.nodes.push({ id: "g", type: "group", position: { x: 100, y: 100 }, data: { label: "" }, width: 300, height: 200 });
    d.nodes.push({ id: "n", type: "note", position: { x: 5, y: 5 }, data: { text: "" }, parentId: "g", width: 50, height: 40 });
    const boxes = nodeBoxes(toFlow(d).nodes);
    expect(boxes.find((b) => b.type === "note")?.box).toEqual({ x: 105, y: 105, width: 50, height: 40 });
    expect(boxes.find((b) => b.type === "socket")?.box).toMatchObject({ x: 10, y: 20, width: 170 });
  });

  it("fits the bounds inside the minimap, centred", () => {
    const frame = frameFor({ x: 0, y: 0, width: 1000, height: 100 }, 200, 140);
    expect(frame.bounds.width * frame.scale).toBeCloseTo(200);
    expect(frame.offsetX).toBeCloseTo(0);
    expect(frame.offsetY).toBeGreaterThan(0);
  });

  it("unites and contains boxes", () => {
    const all = union({ x: 0, y: 0, width: 10, height: 10 }, { x: 20, y: -5, width: 5, height: 5 });
    expect(all).toEqual({ x: 0, y: -5, width: 25, height: 15 });
    expect(contains(all, { x: 1, y: 1, width: 2, height: 2 })).toBe(true);
    expect(contains(all, { x: 1, y: 1, width: 200, height: 2 })).toBe(false);
  });
});
