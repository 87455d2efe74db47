/** Reads of the designer store for components: each returns a small slice. */
import type { DesignerState } from "./designer";
import type { DesignerNode, PlugEdge } from "./flow";

const nodeIndexes = new WeakMap<DesignerNode[], Map<string, DesignerNode>>();

/** O(1) after the first call for a given nodes array; rebuilt once per change. */
export function nodeById(nodes: DesignerNode[], id: string): DesignerNode | undefined {
  let index = nodeIndexes.get(nodes);
  if (!index) {
    index = new Map(nodes.map((node) => [node.id, node]));
    nodeIndexes.set(nodes, index);
  }
  return index.get(id);
}

export const selectDirty = (s: DesignerState): boolean => s.dirty;
export const selectCanUndo = (s: DesignerState): boolean => !s.readOnly && s.history.past.length > 0;
export const selectCanRedo = (s: DesignerState): boolean => !s.readOnly && s.history.future.length > 0;

/** Ids of selected nodes; use with useShallow. */
export const selectSelectedNodeIds = (s: DesignerState): string[] =>
  s.nodes.filter((node) => node.selected).map((node) => node.id);

export const selectSelectedEdgeIds = (s: DesignerState): string[] =>
  s.edges.filter((edge) => edge.selected).map((edge) => edge.id);

export function selectEdge(s: DesignerState, id: string): PlugEdge | undefined {
  return s.edges.find((edge) => edge.id === id);
}

/** The one selected socket, if exactly one node is selected and it is a socket. */
export function selectSoleSocketId(s: DesignerState): string | null {
  let found: DesignerNode | null = null;
  for (const node of s.nodes) {
    if (!node.selected) continue;
    if (found) return null;
    found = node;
  }
  return found?.type === "socket" ? found.id : null;
}

/** Unsaved edits in the draft, even while a version or a comparison is on screen. */
export const selectUnsaved = (s: DesignerState): boolean => (s.stash ? s.stash.dirty : s.dirty);
