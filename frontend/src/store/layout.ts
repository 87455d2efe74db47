/**
 * Automatic left-to-right layout with dagre. Only top-level nodes move; a group moves
 * as one box with its members, and a plug from or to a member counts for its group.
 * Notes keep their place. Loaded on demand: import("./layout").
 */
import { Graph, layout } from "@dagrejs/dagre";
import type { XY } from "./document";
import { DEFAULT_NODE_SIZE } from "./editing";
import type { DesignerNode, PlugEdge } from "./flow";

export type LayoutOptions = { direction?: "LR" | "TB"; nodeGap?: number; rankGap?: number };

function size(node: DesignerNode): { width: number; height: number } {
  return {
    width: node.width ?? node.measured?.width ?? DEFAULT_NODE_SIZE.width,
    height: node.height ?? node.measured?.height ?? DEFAULT_NODE_SIZE.height,
  };
}

function topLevel(id: string, byId: Map<string, DesignerNode>): string {
  let node = byId.get(id);
  while (node?.parentId && byId.has(node.parentId)) node = byId.get(node.parentId);
  return node?.id ?? id;
}

/** New top-left positions for every top-level socket and group. */
export function layoutPositions(nodes: DesignerNode[], edges: PlugEdge[], options: LayoutOptions = {}): Record<string, XY> {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const movable = nodes.filter((node) => !node.parentId && node.type !== "note");
  const graph = new Graph({ multigraph: false });
  graph.setGraph({ rankdir: options.direction ?? "LR", nodesep: options.nodeGap ?? 40, ranksep: options.rankGap ?? 90, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of movable) graph.setNode(node.id, size(node));
  for (const edge of edges) {
    const source = topLevel(edge.source, byId);
    const target = topLevel(edge.target, byId);
    if (source !== target && graph.hasNode(source) && graph.hasNode(target)) graph.setEdge(source, target);
  }
  layout(graph);
  const positions: Record<string, XY> = {};
  for (const node of movable) {
    const placed = graph.node(node.id) as { x: number; y: number; width: number; height: number } | undefined;
    if (!placed) continue;
    positions[node.id] = { x: Math.round(placed.x - placed.width / 2), y: Math.round(placed.y - placed.height / 2) };
  }
  return positions;
}
