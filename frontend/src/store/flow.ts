/** React Flow's view of the document: typed nodes and edges, and conversions both ways. */
import type { Edge, Node } from "@xyflow/react";
import { SOCKET, socketHandles, socketHeight } from "./geometry";
import {
  DEFAULT_QUEUE,
  SCHEMA,
  type CanvasDocument,
  type DocEdge,
  type DocNode,
  type GroupData,
  type NoteData,
  type PlugData,
  type SocketData,
  type Viewport,
} from "./document";

export type SocketFlowNode = Node<SocketData, "socket">;
export type NoteFlowNode = Node<NoteData, "note">;
export type GroupFlowNode = Node<GroupData, "group">;
export type DesignerNode = SocketFlowNode | NoteFlowNode | GroupFlowNode;
export type PlugEdge = Edge<PlugData, "plug">;

export function nodeAriaLabel(node: DocNode | DesignerNode): string {
  switch (node.type) {
    case "socket":
      return `Socket ${node.data.socketName} (${node.data.processor}: ${node.data.module}.${node.data.task})`;
    case "note":
      return `Note: ${node.data.text.slice(0, 60) || "empty"}`;
    case "group":
      return `Group ${node.data.label || "untitled"}`;
  }
}

export function plugAriaLabel(edge: DocEdge | PlugEdge): string {
  const type = edge.data?.plugType === "ERROR" ? "Error plug" : "Plug";
  return `${type} from ${edge.source} to ${edge.target} ${edge.targetHandle ?? ""}`.trim();
}

/** Notes and groups have no handles; saying so lets React Flow cull them before measuring. */
const NO_HANDLES: [] = [];

/**
 * One document node as a React Flow node. Sockets carry their size and handle layout (see
 * geometry.ts): React Flow then culls them before drawing and reports no size change
 * when they mount, so panning over new nodes does not update the store each frame. A
 * node that turns out another size (a counts row appears) is measured and corrected.
 */
export function toFlowNode(node: DocNode): DesignerNode {
  const base = { id: node.id, position: { ...node.position }, ariaLabel: nodeAriaLabel(node), ariaRole: "group" as const };
  const parent = node.parentId ? { parentId: node.parentId } : {};
  switch (node.type) {
    case "socket":
      return {
        ...base,
        ...parent,
        type: "socket",
        data: node.data,
        handles: socketHandles(node.data),
        measured: { width: SOCKET.width, height: socketHeight(node.data.arguments.length) },
      };
    case "note":
      // A note without a stored size must be drawn once to be measured, so no culling hint.
      return { ...base, ...parent, type: "note", data: node.data, width: node.width, height: node.height, ...(node.width && node.height ? { handles: NO_HANDLES } : {}) };
    case "group":
      return { ...base, type: "group", data: node.data, width: node.width, height: node.height, zIndex: -1, handles: NO_HANDLES };
  }
}

export function toFlowEdge(edge: DocEdge): PlugEdge {
  return {
    id: edge.id,
    type: "plug",
    source: edge.source,
    target: edge.target,
    sourceHandle: edge.sourceHandle,
    targetHandle: edge.targetHandle,
    data: edge.data,
    ariaLabel: plugAriaLabel(edge),
  };
}

/** Parents must precede children in React Flow's node array. */
export function parentsFirst<T extends { id: string; parentId?: string; type?: string }>(nodes: T[]): T[] {
  const groups = nodes.filter((node) => node.type === "group");
  return groups.length === 0 ? nodes : [...groups, ...nodes.filter((node) => node.type !== "group")];
}

export function toFlow(document: CanvasDocument): { nodes: DesignerNode[]; edges: PlugEdge[] } {
  return { nodes: parentsFirst(document.nodes.map(toFlowNode)), edges: document.edges.map(toFlowEdge) };
}

function size(node: DesignerNode): { width?: number; height?: number } {
  const width = node.width ?? node.measured?.width;
  const height = node.height ?? node.measured?.height;
  return { width: width === undefined ? undefined : Math.round(width), height: height === undefined ? undefined : Math.round(height) };
}

/** One flow node back to document JSON, keys in a fixed order, view state dropped. */
export function toDocNode(node: DesignerNode): DocNode {
  const position = { x: Math.round(node.position.x), y: Math.round(node.position.y) };
  const parent = node.parentId ? { parentId: node.parentId } : {};
  switch (node.type) {
    case "socket":
      return { id: node.id, type: "socket", position, data: node.data, ...parent };
    case "note": {
      const { width, height } = node.width || node.height ? size(node) : { width: undefined, height: undefined };
      return { id: node.id, type: "note", position, data: node.data, ...parent, ...(width ? { width } : {}), ...(height ? { height } : {}) };
    }
    case "group": {
      const { width, height } = size(node);
      return { id: node.id, type: "group", position, data: node.data, width: width ?? 0, height: height ?? 0 };
    }
  }
}

export function toDocEdge(edge: PlugEdge): DocEdge {
  return {
    id: edge.id,
    source: edge.source,
    target: edge.target,
    sourceHandle: edge.sourceHandle === "error" ? "error" : "result",
    targetHandle: edge.targetHandle ?? "in",
    data: edge.data ?? { plugType: edge.sourceHandle === "error" ? "ERROR" : "RESULT", queue: DEFAULT_QUEUE },
  };
}

export function toDocument(nodes: DesignerNode[], edges: PlugEdge[], viewport?: Viewport): CanvasDocument {
  const document: CanvasDocument = { schema: SCHEMA, nodes: nodes.map(toDocNode), edges: edges.map(toDocEdge) };
  if (viewport) document.viewport = { x: Math.round(viewport.x), y: Math.round(viewport.y), zoom: viewport.zoom };
  return document;
}
