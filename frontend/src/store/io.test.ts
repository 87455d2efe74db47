import { describe, expect, it } from "vitest";
import { createDesignerStore } from "./designer";
import { toDocument } from "./flow";
import { exportDocument, importDocument } from "./io";
import { doc, plug, socket } from "./testing";

const sample = () => {
  const d = doc([socket("a", 0, 0), socket("b", 250, 10, ["x"])], [plug("p1", "a", "b", "arg:x"), plug("p2", "a", "b", "in", "error")]);
  d.nodes.push({ id: "g", type: "group", position: { x: -40, y: -60 }, data: { label: "Ingest" }, width: 600, height: 300 });
  d.nodes.push({ id: "n", type: "note", position: { x: 10, y: 20 }, data: { text: "Why this exists" }, parentId: "g" });
  d.viewport = { x: 5, y: 6, zoom: 0.75 };
  return d;
};

describe("export and import", () => {
  it("round-trips a document exactly", () => {
    const text = exportDocument(sample());
    const result = importDocument(text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(exportDocument(result.document)).toBe(text);
    expect(result.document.nodes.map((n) => n.id).sort()).toEqual(["a", "b", "g", "n"]);
    expect(result.document.viewport).toEqual({ x: 5, y: 6, zoom: 0.75 });
  });

  it("round-trips through the store", () => {
    const store = createDesignerStore();
    const result = importDocument(exportDocument(sample()));
    if (!result.ok) throw new Error(result.errors.join("\n"));
    store.getState().load(result.document);
    const { nodes, edges } = store.getState();
    const again = toDocument(nodes, edges, { x: 5, y: 6, zoom: 0.75 });
    expect(JSON.parse(exportDocument(again))).toEqual(JSON.parse(exportDocument(sample())));
  });

  it("writes keys in a stable order", () => {
    const text = exportDocument(sample());
    const first = JSON.parse(text) as { nodes: object[] };
    expect(Object.keys(first)).toEqual(["schema", "nodes", "edges", "viewport"]);
    expect(Object.keys(first.nodes[0]!)).toEqual(["id", "type", "position", "data", "width", "height"]);
    expect(Object.keys(first.nodes[1]!)).toEqual(["id", "type", "position", "data"]);
  });

  it("fills missing optional fields with defaults", () => {
    const result = importDocument(
      JSON.stringify({
        schema: 1,
        nodes: [{ id: "a", type: "socket", position: { x: 0, y: 0 }, data: { processor: "p", task: "t", socketName: "s" } }],
        edges: [],
      }),
    );
    expect(result.ok).toBe(true);
    if (result.ok && result.document.nodes[0]?.type === "socket") {
      expect(result.document.nodes[0].data.settings.concurrency).toBeNull();
      expect(result.document.nodes[0].data.arguments).toEqual([]);
      expect(result.document.nodes[0].data.settings.missed_policy).toBe("once");
      expect(result.document.nodes[0].data.settings.missed_max).toBe(10);
      expect(result.document.nodes[0].data.returns).toBeUndefined();
    }
  });

  it("keeps a socket's result type and missed-run policy", () => {
    const settings = { ...socket("a").data.settings, cron: "*/5 * * * *", missed_policy: "all" as const, missed_max: 3 };
    const result = importDocument(
      JSON.stringify(doc([{ ...socket("a"), data: { ...socket("a").data, returns: "list[int]", settings } }])),
    );
    expect(result.ok && result.document.nodes[0]?.type === "socket" && result.document.nodes[0].data).toMatchObject({
      returns: "list[int]",
      settings: { missed_policy: "all", missed_max: 3 },
    });
  });
});

describe("import validation", () => {
  const errorsOf = (value: unknown) => {
    const result = importDocument(typeof value === "string" ? value : JSON.stringify(value));
    return result.ok ? [] : result.errors;
  };

  it("explains bad JSON", () => {
    expect(errorsOf("{nope")[0]).toMatch(/^The file is not valid JSON/);
  });

  it("refuses another schema or a non-object", () => {
    expect(errorsOf({ schema: 2, nodes: [], edges: [] })).toEqual(["schema: this designer reads schema 1, the file has 2"]);
    expect(errorsOf([1, 2])[0]).toMatch(/not a canvas document/);
  });

  it("says where each problem is", () => {
    const errors = errorsOf({
      schema: 1,
      nodes: [
        { id: "a", type: "socket", position: { x: "0", y: 0 }, data: { processor: "p", task: "t", socketName: "s", arguments: [{ name: "x" }] } },
        { id: "a", type: "widget", position: { x: 0, y: 0 }, data: {} },
        { id: "n", type: "note", position: { x: 0, y: 0 }, data: { text: 1 }, parentId: "nowhere" },
      ],
      edges: [
        { id: "e1", source: "a", target: "ghost", sourceHandle: "result", targetHandle: "in", data: { plugType: "RESULT" } },
        { id: "e2", source: "a", target: "a", sourceHandle: "out", targetHandle: "arg:y", data: { plugType: "MAYBE", queue: { qtype: "ring" } } },
      ],
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        "nodes[0].position.x: expected a number",
        'nodes[1].type: expected "socket", "note" or "group", got "widget"',
        "nodes[2].data.text: expected a string",
        'nodes[2].parentId: no group with id "nowhere"',
        'edges[0].target: no socket with id "ghost"',
        'edges[1].sourceHandle: expected "result" or "error"',
        'edges[1].targetHandle: socket s has no argument "y"',
        'edges[1].data.plugType: expected "RESULT" or "ERROR"',
        'edges[1].data.queue.qtype: expected "direct", "topic" or "fanout"',
      ]),
    );
  });

  it("finds duplicate ids", () => {
    const d = doc([socket("a"), socket("a", 10, 10)]);
    expect(errorsOf(d)).toContain('nodes[1].id: duplicate id "a"');
  });
});
