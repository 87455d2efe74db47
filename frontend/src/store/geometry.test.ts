import { describe, expect, it } from "vitest";
import { toDocNode, toFlowNode } from "./flow";
import { SOCKET, socketHandles, socketHeight } from "./geometry";
import { socket } from "./testing";

describe("socket geometry", () => {
  it("gives every handle the canvas draws, in order", () => {
    const handles = socketHandles({ arguments: [{ name: "a", annotation: "" }, { name: "b", annotation: "int" }] });
    expect(handles.map((h) => `${h.type}:${h.id}`)).toEqual(["target:in", "target:arg:a", "target:arg:b", "source:result", "source:error"]);
    expect(handles[2]).toMatchObject({ y: SOCKET.border + SOCKET.title + SOCKET.row, height: SOCKET.row });
    expect(socketHeight(2)).toBe(2 + 36 + 30);
  });

  it("travels with flow nodes but never into the document", () => {
    const node = toFlowNode(socket("s"));
    expect(node.handles).toHaveLength(5);
    expect(node.measured).toEqual({ width: SOCKET.width, height: socketHeight(2) });
    expect(Object.keys(toDocNode(node))).toEqual(["id", "type", "position", "data"]);
  });
});
