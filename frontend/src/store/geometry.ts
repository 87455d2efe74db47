/**
 * A socket node's size and where its handles are, computed from its data. React Flow
 * takes these (`measured`, `handles`) instead of measuring the DOM first, so with culling
 * only the nodes on screen are ever mounted. The numbers are the layout that
 * canvas/canvas.css gives .socket-node; window.__bench.checkGeometry() on the benchmark
 * page (src/bench.tsx) compares them with the DOM.
 */
import { Position, type NodeHandle } from "@xyflow/react";
import { WHOLE_SOCKET, argHandle, type SocketData } from "./document";

export const SOCKET = {
  width: 170,
  border: 1,
  /** The title row (name, then function): two 16 px lines and 4 px of padding. */
  title: 36,
  /** One argument row. */
  row: 15,
  /** Argument rows reach this far left of the node's inner edge, so their ring sits on the border. */
  rowOverhang: 8,
  handle: 8,
  /** Centres of the "in"/"result" and "error" handles from the node's top. */
  inTop: 11,
  errorTop: 26,
} as const;

export function socketHeight(argumentCount: number): number {
  return SOCKET.border * 2 + SOCKET.title + SOCKET.row * argumentCount;
}

export function socketHandles(data: Pick<SocketData, "arguments">): NodeHandle[] {
  const { width, border, title, row, rowOverhang, handle, inTop, errorTop } = SOCKET;
  const half = handle / 2;
  const dot = (id: string, type: "source" | "target", position: Position, x: number, top: number): NodeHandle => ({
    id,
    type,
    position,
    x,
    y: top - half,
    width: handle,
    height: handle,
  });
  return [
    dot(WHOLE_SOCKET, "target", Position.Left, -half, inTop),
    ...data.arguments.map((arg, i) => ({
      id: argHandle(arg.name),
      type: "target" as const,
      position: Position.Left,
      x: border - rowOverhang,
      y: border + title + row * i,
      width: width - border * 2 + rowOverhang,
      height: row,
    })),
    dot("result", "source", Position.Right, width - half, inTop),
    dot("error", "source", Position.Right, width - half, errorTop),
  ];
}

/**
 * The box of a wire's label at zoom 1 (canvas.css .wire-label: a counts line, a fill bar and
 * a rates line at 10 px, e.g. "3/5 ready · 1 in flight" over "1.2/s in · 0.8/s out · oldest
 * 3 s"), drawn centred halfway along the wire. The layout keeps this much room between layers.
 */
export const WIRE_LABEL = { width: 180, height: 40 } as const;
