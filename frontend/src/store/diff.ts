/**
 * What changed between two versions of a canvas document. Nodes match by id; plugs
 * match by what they join (source, output, target, input), since a plug drawn again
 * is the same plug to the network.
 */
import type { CanvasDocument, DocEdge, DocNode } from "./document";
import { parentsFirst, toFlowEdge, toFlowNode, type DesignerNode, type PlugEdge } from "./flow";

export type Changed<T> = { before: T; after: T; fields: string[] };

export type VersionDiff = {
  nodes: { added: DocNode[]; removed: DocNode[]; changed: Changed<DocNode>[]; moved: string[] };
  edges: { added: DocEdge[]; removed: DocEdge[]; changed: Changed<DocEdge>[] };
};

export type DiffStatus = "added" | "removed" | "changed";

export const plugKey = (edge: Pick<DocEdge, "source" | "sourceHandle" | "target" | "targetHandle">): string =>
  `${edge.source}|${edge.sourceHandle}|${edge.target}|${edge.targetHandle}`;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Paths of the leaves that differ, e.g. "data.settings.concurrency". Arrays compare whole. */
export function changedFields(a: unknown, b: unknown, prefix = ""): string[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((key) => changedFields(a[key], b[key], prefix ? `${prefix}.${key}` : key));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix || "(value)"];
}

const IGNORED_NODE_FIELDS = new Set(["position.x", "position.y"]);

export function versionDiff(a: CanvasDocument, b: CanvasDocument): VersionDiff {
  const before = new Map(a.nodes.map((node) => [node.id, node]));
  const after = new Map(b.nodes.map((node) => [node.id, node]));
  const nodes: VersionDiff["nodes"] = { added: [], removed: [], changed: [], moved: [] };
  for (const node of b.nodes) {
    const old = before.get(node.id);
    if (!old) {
      nodes.added.push(node);
      continue;
    }
    const fields = changedFields(old, node);
    const meaningful = fields.filter((field) => !IGNORED_NODE_FIELDS.has(field));
    if (meaningful.length) nodes.changed.push({ before: old, after: node, fields: meaningful });
    if (meaningful.length < fields.length) nodes.moved.push(node.id);
  }
  for (const node of a.nodes) if (!after.has(node.id)) nodes.removed.push(node);

  const edgesBefore = new Map(a.edges.map((edge) => [plugKey(edge), edge]));
  const edgesAfter = new Map(b.edges.map((edge) => [plugKey(edge), edge]));
  const edges: VersionDiff["edges"] = { added: [], removed: [], changed: [] };
  for (const edge of b.edges) {
    const old = edgesBefore.get(plugKey(edge));
    if (!old) edges.added.push(edge);
    else {
      const fields = changedFields(old.data, edge.data, "data");
      if (fields.length) edges.changed.push({ before: old, after: edge, fields });
    }
  }
  for (const edge of a.edges) if (!edgesAfter.has(plugKey(edge))) edges.removed.push(edge);
  return { nodes, edges };
}

export function diffIsEmpty(diff: VersionDiff): boolean {
  const { nodes, edges } = diff;
  return !nodes.added.length && !nodes.removed.length && !nodes.changed.length && !edges.added.length && !edges.removed.length && !edges.changed.length;
}

function mark<T extends DesignerNode | PlugEdge>(item: T, status: DiffStatus | undefined): T {
  return status ? { ...item, className: `diff-${status}` } : item;
}

/**
 * The newer document drawn with the older one's removed nodes and plugs put back,
 * each marked with a diff-added, diff-removed or diff-changed class.
 */
export function comparisonGraph(a: CanvasDocument, b: CanvasDocument, diff: VersionDiff): { nodes: DesignerNode[]; edges: PlugEdge[] } {
  const status = new Map<string, DiffStatus>();
  diff.nodes.added.forEach((node) => status.set(node.id, "added"));
  diff.nodes.changed.forEach((change) => status.set(change.after.id, "changed"));
  const kept = new Set(b.nodes.map((node) => node.id));
  const removed = diff.nodes.removed.map((node) => {
    const parent = node.parentId ? a.nodes.find((other) => other.id === node.parentId) : undefined;
    if (!node.parentId || kept.has(node.parentId) || !parent) return node;
    const { parentId: _dropped, ...rest } = node;
    return { ...rest, position: { x: parent.position.x + node.position.x, y: parent.position.y + node.position.y } } as DocNode;
  });
  const nodes = [
    ...b.nodes.map((node) => mark(toFlowNode(node), status.get(node.id))),
    ...removed.map((node) => mark(toFlowNode(node), "removed")),
  ];
  const edgeStatus = new Map<string, DiffStatus>();
  diff.edges.added.forEach((edge) => edgeStatus.set(plugKey(edge), "added"));
  diff.edges.changed.forEach((change) => edgeStatus.set(plugKey(change.after), "changed"));
  const edges = [
    ...b.edges.map((edge) => mark(toFlowEdge(edge), edgeStatus.get(plugKey(edge)))),
    ...diff.edges.removed.map((edge) => mark(toFlowEdge({ ...edge, id: `removed:${edge.id}` }), "removed")),
  ];
  return { nodes: parentsFirst(nodes), edges };
}
