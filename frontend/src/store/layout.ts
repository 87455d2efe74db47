/**
 * The "Arrange" command's layout: layered, left to right along the plugs, by dagre (a
 * Sugiyama-style layered layout). Every plug gets a label of the wire label's size, which
 * dagre places in a rank of its own between its two ends, so the gap between two layers
 * always has room for the figures drawn halfway along a wire (live/WireLabel.tsx).
 * Only top-level nodes move; a group moves as one box with its members, and a plug from or
 * to a member counts for its group. Notes keep their place. Loaded on demand: import("./layout").
 */
import { Graph, layout } from "@dagrejs/dagre";
import type { XY } from "./document";
import type { DesignerNode, PlugEdge } from "./flow";
import { WIRE_LABEL } from "./geometry";
import { nodeSize } from "./placement";

export type LayoutOptions = { direction?: "LR" | "TB"; nodeGap?: number; rankGap?: number };

/** Room around a wire's label, so it never touches a node or another label. */
const LABEL_MARGIN = 16;

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
  graph.setGraph({ rankdir: options.direction ?? "LR", nodesep: options.nodeGap ?? 40, ranksep: options.rankGap ?? 60, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of movable) graph.setNode(node.id, nodeSize(node));
  const label = { width: WIRE_LABEL.width + LABEL_MARGIN, height: WIRE_LABEL.height + LABEL_MARGIN, labelpos: "c" };
  for (const edge of edges) {
    const source = topLevel(edge.source, byId);
    const target = topLevel(edge.target, byId);
    if (source !== target && graph.hasNode(source) && graph.hasNode(target)) graph.setEdge(source, target, { ...label });
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
