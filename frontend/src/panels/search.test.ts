import { describe, expect, it } from "vitest";
import { toFlow } from "../store/flow";
import { doc, socket } from "../store/testing";
import { searchNodes } from "./search";

describe("searchNodes", () => {
  const d = doc([socket("1"), socket("2"), socket("3")]);
  d.nodes.push({ id: "n", type: "note", position: { x: 0, y: 0 }, data: { text: "sock drawer\nmore" } });
  const { nodes } = toFlow(d);

  it("ranks names that start with the query first, then contain it, then details", () => {
    expect(searchNodes(nodes, "sock_2").map((h) => h.id)).toEqual(["2"]);
    expect(searchNodes(nodes, "sock").map((h) => h.id)).toEqual(["n", "1", "2", "3"]);
    expect(searchNodes(nodes, "fn_3").map((h) => h.id)).toEqual(["3"]);
    expect(searchNodes(nodes, "  ")).toEqual([]);
  });
});
