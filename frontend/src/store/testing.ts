/** Builders for unit tests. */
import type { CanvasDocument, DocNode, SocketDocNode } from "./document";
import { DEFAULT_QUEUE, DEFAULT_SETTINGS, SCHEMA } from "./document";

export function socket(id: string, x = 0, y = 0, args: string[] = ["a", "b"]): SocketDocNode {
  return {
    id,
    type: "socket",
    position: { x, y },
    data: {
      processor: "proc",
      module: "pkg.mod",
      task: `fn_${id}`,
      socketName: `sock_${id}`,
      arguments: args.map((name) => ({ name, annotation: "int" })),
      settings: { ...DEFAULT_SETTINGS },
    },
  };
}

export function plug(id: string, source: string, target: string, targetHandle = "in", sourceHandle: "result" | "error" = "result") {
  return {
    id,
    source,
    target,
    sourceHandle,
    targetHandle,
    data: { plugType: sourceHandle === "error" ? ("ERROR" as const) : ("RESULT" as const), queue: { ...DEFAULT_QUEUE } },
  };
}

export function doc(nodes: DocNode[], edges: ReturnType<typeof plug>[] = []): CanvasDocument {
  return { schema: SCHEMA, nodes, edges };
}
