import { describe, expect, it } from "vitest";
import { comparisonGraph, diffIsEmpty, versionDiff } from "./diff";
import { doc, plug, socket } from "./testing";

const base = doc([socket("a", 0, 0), socket("b", 200, 0), socket("c", 400, 0)], [plug("p1", "a", "b", "arg:a"), plug("p2", "b", "c")]);

describe("versionDiff", () => {
  it("is empty for the same document", () => {
    expect(diffIsEmpty(versionDiff(base, structuredClone(base)))).toBe(true);
  });

  it("finds added, removed and changed nodes and plugs", () => {
    const next = structuredClone(base);
    next.nodes = next.nodes.filter((node) => node.id !== "c");
    next.nodes.push(socket("d", 600, 0));
    const b = next.nodes.find((node) => node.id === "b");
    if (b?.type === "socket") b.data.settings.concurrency = 4;
    next.edges = [
      { ...plug("p1-redrawn", "a", "b", "arg:a"), data: { plugType: "RESULT", queue: { ...plug("x", "a", "b").data.queue, max_length: 100 } } },
      plug("p3", "b", "d", "in", "error"),
    ];
    const diff = versionDiff(base, next);
    expect(diff.nodes.added.map((n) => n.id)).toEqual(["d"]);
    expect(diff.nodes.removed.map((n) => n.id)).toEqual(["c"]);
    expect(diff.nodes.changed).toHaveLength(1);
    expect(diff.nodes.changed[0]?.fields).toEqual(["data.settings.concurrency"]);
    expect(diff.edges.added.map((e) => e.id)).toEqual(["p3"]);
    expect(diff.edges.removed.map((e) => e.id)).toEqual(["p2"]);
    expect(diff.edges.changed.map((c) => c.fields)).toEqual([["data.queue.max_length"]]);
  });

  it("reports moves apart from changes", () => {
    const next = structuredClone(base);
    next.nodes[0]!.position = { x: 50, y: 50 };
    const diff = versionDiff(base, next);
    expect(diff.nodes.changed).toEqual([]);
    expect(diff.nodes.moved).toEqual(["a"]);
    expect(diffIsEmpty(diff)).toBe(true);
  });

  it("draws the comparison with marked nodes and plugs", () => {
    const next = structuredClone(base);
    next.nodes = next.nodes.filter((node) => node.id !== "c");
    next.edges = next.edges.filter((edge) => edge.id !== "p2");
    next.nodes.push(socket("d", 600, 0));
    const graph = comparisonGraph(base, next, versionDiff(base, next));
    const classOf = (id: string) => graph.nodes.find((n) => n.id === id)?.className;
    expect(classOf("a")).toBeUndefined();
    expect(classOf("c")).toBe("diff-removed");
    expect(classOf("d")).toBe("diff-added");
    expect(graph.edges.find((e) => e.id === "removed:p2")?.className).toBe("diff-removed");
  });
});
