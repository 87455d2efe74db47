/** Finding nodes by name for the toolbar's search. */
import type { DesignerNode } from "../store/flow";

export type SearchHit = { id: string; label: string; detail: string };

function describe(node: DesignerNode): SearchHit {
  if (node.type === "socket") return { id: node.id, label: node.data.socketName, detail: `${node.data.processor} · ${node.data.module}.${node.data.task}` };
  if (node.type === "note") return { id: node.id, label: node.data.text.split("\n")[0] || "(empty note)", detail: "note" };
  return { id: node.id, label: node.data.label || "(group)", detail: "group" };
}

/** Nodes whose name, function, processor or text contains the query; names that start with it first. */
export function searchNodes(nodes: readonly DesignerNode[], query: string, limit = 8): SearchHit[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const hits: { hit: SearchHit; rank: number }[] = [];
  for (const node of nodes) {
    const hit = describe(node);
    const label = hit.label.toLowerCase();
    const rank = label.startsWith(q) ? 0 : label.includes(q) ? 1 : hit.detail.toLowerCase().includes(q) ? 2 : -1;
    if (rank >= 0) hits.push({ hit, rank });
  }
  return hits
    .sort((a, b) => a.rank - b.rank || a.hit.label.localeCompare(b.hit.label))
    .slice(0, limit)
    .map((entry) => entry.hit);
}
