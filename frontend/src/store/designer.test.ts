import { beforeEach, describe, expect, it } from "vitest";
import type { NodeChange } from "@xyflow/react";
import { createDesignerStore, type DesignerStore } from "./designer";
import type { DesignerNode } from "./flow";
import { HISTORY_LIMIT } from "./history";
import { nodeSize, overlaps } from "./placement";
import { selectCanRedo, selectCanUndo, selectDirty } from "./selectors";
import { doc, plug, socket } from "./testing";

let now = 0;
let store: DesignerStore;
const state = () => store.getState();
const positionOf = (id: string) => state().nodes.find((n) => n.id === id)?.position;

function drag(id: string, steps: { x: number; y: number }[]): void {
  steps.forEach((position, i) => {
    now += 16;
    const change: NodeChange<DesignerNode> = { id, type: "position", position, dragging: i < steps.length - 1 };
    state().onNodesChange([change]);
  });
}

beforeEach(() => {
  now = 1_000_000;
  store = createDesignerStore(() => now);
  state().load(doc([socket("s1", 0, 0), socket("s2", 300, 0)], [plug("p1", "s1", "s2", "arg:a")]));
});

describe("undo and redo", () => {
  it("undoes and redoes an added node", () => {
    state().addSocketNode({ processor: "p", module: "m", task: "t", arguments: [] }, { x: 10, y: 10 });
    expect(state().nodes).toHaveLength(3);
    state().undo();
    expect(state().nodes).toHaveLength(2);
    expect(selectCanRedo(state())).toBe(true);
    state().redo();
    expect(state().nodes).toHaveLength(3);
    expect(state().nodes.at(-1)?.type).toBe("socket");
  });

  it("keeps at least 50 steps and returns to the loaded document", () => {
    for (let i = 0; i < 60; i++) {
      now += 5000;
      state().moveNodes(["s1"], { x: 1, y: 0 });
    }
    expect(positionOf("s1")).toEqual({ x: 60, y: 0 });
    for (let i = 0; i < 60; i++) state().undo();
    expect(positionOf("s1")).toEqual({ x: 0, y: 0 });
    expect(selectCanUndo(state())).toBe(false);
    for (let i = 0; i < 60; i++) state().redo();
    expect(positionOf("s1")).toEqual({ x: 60, y: 0 });
  });

  it(`drops the oldest step beyond ${HISTORY_LIMIT}`, () => {
    for (let i = 0; i < HISTORY_LIMIT + 20; i++) {
      now += 5000;
      state().moveNodes(["s2"], { x: 0, y: 1 });
    }
    expect(state().history.past).toHaveLength(HISTORY_LIMIT);
    for (let i = 0; i < HISTORY_LIMIT + 20; i++) state().undo();
    expect(positionOf("s2")).toEqual({ x: 300, y: 20 });
  });

  it("makes a whole drag one undo step", () => {
    drag("s1", [{ x: 5, y: 5 }, { x: 50, y: 20 }, { x: 90, y: 40 }, { x: 120, y: 60 }]);
    expect(positionOf("s1")).toEqual({ x: 120, y: 60 });
    expect(state().history.past).toHaveLength(1);
    state().undo();
    expect(positionOf("s1")).toEqual({ x: 0, y: 0 });
  });

  it("keeps two drags apart even when quick", () => {
    drag("s1", [{ x: 10, y: 0 }, { x: 20, y: 0 }]);
    drag("s1", [{ x: 30, y: 0 }, { x: 40, y: 0 }]);
    state().undo();
    expect(positionOf("s1")).toEqual({ x: 20, y: 0 });
  });

  it("merges quick nudges of the same nodes and separates slow ones", () => {
    state().moveNodes(["s1"], { x: 10, y: 0 });
    now += 100;
    state().moveNodes(["s1"], { x: 10, y: 0 });
    now += 5000;
    state().moveNodes(["s1"], { x: 10, y: 0 });
    state().undo();
    expect(positionOf("s1")).toEqual({ x: 20, y: 0 });
    state().undo();
    expect(positionOf("s1")).toEqual({ x: 0, y: 0 });
  });

  it("does not record selection or measuring", () => {
    state().onNodesChange([{ id: "s1", type: "select", selected: true }]);
    state().onNodesChange([{ id: "s1", type: "dimensions", dimensions: { width: 170, height: 90 } }]);
    state().selectAll();
    expect(state().history.past).toHaveLength(0);
    expect(selectDirty(state())).toBe(false);
  });

  it("places new nodes clear of the others (see placement.test.ts)", () => {
    state().addNote({ x: 0, y: 0 });
    state().addNote({ x: 0, y: 0 });
    const boxes = state().nodes.map((n) => ({ ...n.position, ...nodeSize(n) }));
    expect(boxes.filter((box, i) => boxes.some((other, j) => i !== j && overlaps(box, other)))).toEqual([]);
  });

  it("clears redo after a new edit", () => {
    state().addNote({ x: 0, y: 0 }, "hello");
    state().undo();
    state().addNote({ x: 5, y: 5 }, "other");
    expect(selectCanRedo(state())).toBe(false);
  });

  it("coalesces typing in one field into one step", () => {
    for (const text of ["a", "ab", "abc"]) {
      now += 200;
      state().updateNodeData("s1", { socketName: text }, "socketName");
    }
    state().undo();
    const node = state().nodes.find((n) => n.id === "s1");
    expect(node?.type === "socket" && node.data.socketName).toBe("sock_s1");
  });
});

describe("dirty flag", () => {
  it("is set by edits, cleared by markSaved and by undoing back to the saved state", () => {
    expect(state().dirty).toBe(false);
    expect(selectDirty(state())).toBe(false);
    state().moveNodes(["s1"], { x: 5, y: 5 });
    expect(selectDirty(state())).toBe(true);
    expect(state().dirty).toBe(true);
    state().undo();
    expect(selectDirty(state())).toBe(false);
    state().redo();
    state().markSaved(4);
    expect(selectDirty(state())).toBe(false);
    expect(state().baseVersion).toBe(4);
  });
});

describe("copy, paste and delete", () => {
  it("pastes copies with new ids, unique socket names and the plug between them", () => {
    state().selectAll();
    expect(state().copy()).toBe(true);
    state().paste();
    const { nodes, edges } = state();
    expect(nodes).toHaveLength(4);
    expect(edges).toHaveLength(2);
    const pasted = nodes.filter((n) => n.selected);
    expect(pasted).toHaveLength(2);
    expect(new Set(nodes.map((n) => n.id)).size).toBe(4);
    const names = nodes.map((n) => (n.type === "socket" ? n.data.socketName : ""));
    expect(new Set(names).size).toBe(4);
    const pastedIds = new Set(pasted.map((n) => n.id));
    const copy = edges.find((e) => e.id !== "p1");
    expect(copy && pastedIds.has(copy.source) && pastedIds.has(copy.target)).toBe(true);
    expect(copy?.targetHandle).toBe("arg:a");
    expect(pasted[0]?.position).toEqual({ x: 30, y: 30 });
  });

  it("offsets each further paste", () => {
    state().selectOnly(["s1"]);
    state().copy();
    state().paste();
    state().paste();
    const xs = state().nodes.map((n) => n.position.x).sort((a, b) => a - b);
    expect(xs).toEqual([0, 30, 60, 300]);
  });

  it("leaves out plugs to nodes that were not copied", () => {
    state().selectOnly(["s2"]);
    state().copy();
    state().paste();
    expect(state().edges).toHaveLength(1);
  });

  it("deletes selected nodes with their plugs, as one undo step", () => {
    state().selectOnly(["s1"]);
    state().deleteSelection();
    expect(state().nodes.map((n) => n.id)).toEqual(["s2"]);
    expect(state().edges).toHaveLength(0);
    state().undo();
    expect(state().nodes).toHaveLength(2);
    expect(state().edges).toHaveLength(1);
  });

  it("deletes a selected plug alone", () => {
    state().onEdgesChange([{ id: "p1", type: "select", selected: true }]);
    state().deleteSelection();
    expect(state().nodes).toHaveLength(2);
    expect(state().edges).toHaveLength(0);
  });

  it("cut removes and paste brings back", () => {
    state().selectOnly(["s2"]);
    state().cut();
    expect(state().nodes).toHaveLength(1);
    state().paste();
    expect(state().nodes).toHaveLength(2);
  });
});

describe("connect", () => {
  it("adds a plug typed by its output and rejects invalid ones", () => {
    state().updateNodeData("s1", { arguments: [{ name: "a", annotation: "int" }, { name: "b", annotation: "dict" }] });
    expect(state().connect({ source: "s2", sourceHandle: "error", target: "s1", targetHandle: "arg:b" })).toBe(true);
    expect(state().edges.at(-1)?.data?.plugType).toBe("ERROR");
    expect(state().connect({ source: "s1", sourceHandle: "result", target: "s1", targetHandle: "in" })).toBe(false);
    expect(state().connect({ source: "s1", sourceHandle: "result", target: "s2", targetHandle: "arg:zzz" })).toBe(false);
    expect(state().connect({ source: "s1", sourceHandle: "result", target: "s2", targetHandle: "arg:a" })).toBe(false);
    expect(state().notice?.text).toMatch(/already/);
  });

  it("refuses a wire whose result type the argument never takes, with the server's words", () => {
    state().updateNodeData("s1", { returns: "int" });
    state().updateNodeData("s2", { arguments: [{ name: "a", annotation: "int" }, { name: "b", annotation: "int | None" }, { name: "c", annotation: "str" }] });
    const edges = state().edges.length;
    expect(state().connect({ source: "s1", sourceHandle: "result", target: "s2", targetHandle: "arg:c" })).toBe(false);
    expect(state().edges).toHaveLength(edges);
    expect(state().notice).toEqual({
      kind: "error",
      text: "Types do not match: the result of sock_s1 is int, and argument c of sock_s2 takes str: int is not str.",
    });
    expect(state().connect({ source: "s1", sourceHandle: "error", target: "s2", targetHandle: "in" })).toBe(false);
    expect(state().notice?.text).toMatch(/the error of sock_s1 is dict\[str, str\], and its first argument a of sock_s2/);
    expect(state().connect({ source: "s1", sourceHandle: "result", target: "s2", targetHandle: "arg:b" })).toBe(true);
  });

  it("makes a wire the checker cannot decide, and says why it may not fit", () => {
    state().updateNodeData("s1", { returns: "int | None" });
    expect(state().connect({ source: "s1", sourceHandle: "result", target: "s2", targetHandle: "arg:b" })).toBe(true);
    expect(state().notice).toEqual({
      kind: "info",
      text: "Types may not match: the result of sock_s1 is int | None, and argument b of sock_s2 takes int: int | None may be None, which is not int. The plug was made; check its values.",
    });
  });
});

describe("groups", () => {
  it("wraps the selection in a group and ungroups back to the same place", () => {
    state().selectOnly(["s1", "s2"]);
    const id = state().addGroup({ x: 0, y: 0 });
    expect(state().nodes[0]?.id).toBe(id);
    const member = state().nodes.find((n) => n.id === "s2");
    expect(member?.parentId).toBe(id);
    state().selectOnly([id!]);
    state().ungroup();
    expect(state().nodes.find((n) => n.id === "s2")?.position).toEqual({ x: 300, y: 0 });
    expect(state().nodes.some((n) => n.type === "group")).toBe(false);
  });
});

describe("read-only versions", () => {
  it("loads a document read-only", () => {
    state().load(doc([socket("x")]), true);
    state().addNote({ x: 0, y: 0 });
    expect(state().nodes).toHaveLength(1);
    expect(state().readOnly).toBe(true);
  });

  it("refuses edits while a version is shown and restores the draft after", () => {
    state().moveNodes(["s1"], { x: 7, y: 0 });
    state().showVersion(doc([socket("old", 0, 0)]), 3);
    expect(state().readOnly).toBe(true);
    state().addNote({ x: 0, y: 0 });
    state().deleteSelection();
    expect(state().nodes.map((n) => n.id)).toEqual(["old"]);
    state().backToDraft();
    expect(positionOf("s1")).toEqual({ x: 7, y: 0 });
    expect(selectDirty(state())).toBe(true);
    state().undo();
    expect(positionOf("s1")).toEqual({ x: 0, y: 0 });
  });
});
