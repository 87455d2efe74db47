/**
 * The document half of the designer store: nodes, edges, undo history and the clipboard,
 * with every edit as a named action. Each edit goes through commit(), so it is one undo
 * step (or merges into the last one) and is refused while the canvas is read-only.
 */
import { applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange } from "@xyflow/react";
import type { StateCreator } from "zustand/vanilla";
import type { DesignerState } from "./designer";
import type { CanvasDocument, XY } from "./document";
import {
  copySelection,
  deleteSelected,
  groupAround,
  makeNote,
  makePlug,
  makeSocketNode,
  moveBy,
  pasteClipboard,
  patchNodeData,
  placeAt,
  plugProblem,
  plugWarning,
  setSelected,
  socketNames,
  ungroupSelected,
  type Clipboard,
  type Graph,
  type SocketSpec,
} from "./editing";
import { toFlow, type DesignerNode, type PlugEdge } from "./flow";
import { emptyHistory, record, redo, undo, type Coalesce, type History } from "./history";
import { freeSpot, nodeSize, type Rect } from "./placement";

export type DocumentSlice = {
  nodes: DesignerNode[];
  edges: PlugEdge[];
  history: History;
  /** Changes with every edit; equal to savedRevision when nothing is unsaved. */
  revision: number;
  savedRevision: number;
  nextRevision: number;
  /** Unsaved edits: revision !== savedRevision, kept as a field for plain reads. */
  dirty: boolean;
  /** The drag or resize in progress, whose steps merge into one undo step. */
  gesture: string | null;
  clipboard: Clipboard | null;
  pasteCount: number;
  readOnly: boolean;

  onNodesChange: (changes: NodeChange<DesignerNode>[]) => void;
  onEdgesChange: (changes: EdgeChange<PlugEdge>[]) => void;
  connect: (connection: Connection) => boolean;
  /** Adds at `position`, or at the nearest free spot (inside `view`, what is on screen, when it has room). */
  addSocketNode: (spec: SocketSpec, position: XY, view?: Rect) => string | null;
  addNote: (position: XY, text?: string, view?: Rect) => string | null;
  addGroup: (position: XY) => string | null;
  ungroup: () => void;
  moveNodes: (ids: string[], delta: XY) => void;
  applyPositions: (positions: Record<string, XY>) => void;
  deleteSelection: () => void;
  copy: () => boolean;
  cut: () => void;
  paste: () => void;
  updateNodeData: (id: string, patch: Record<string, unknown>, coalesceKey?: string) => void;
  updateEdgeData: (id: string, patch: Partial<NonNullable<PlugEdge["data"]>>, coalesceKey?: string) => void;
  selectAll: () => void;
  selectOnly: (ids: string[]) => void;
  undo: () => void;
  redo: () => void;
  replaceDocument: (document: CanvasDocument) => void;
};

const FIELD_EDIT_WINDOW_MS = 1500;
const NUDGE_WINDOW_MS = 1000;

function isEdit(change: NodeChange<DesignerNode>): boolean {
  if (change.type === "dimensions") return change.resizing !== undefined || Boolean(change.setAttributes);
  return change.type !== "select";
}

/** The document fields for a freshly shown graph: no history, nothing unsaved. */
export function freshGraph(state: DesignerState, graph: Graph, readOnly: boolean): Partial<DesignerState> {
  const revision = state.nextRevision;
  return {
    nodes: graph.nodes,
    edges: graph.edges,
    history: emptyHistory(),
    revision,
    savedRevision: revision,
    nextRevision: revision + 1,
    dirty: false,
    gesture: null,
    readOnly,
  };
}

export const freshDocument = (state: DesignerState, document: CanvasDocument, readOnly: boolean) =>
  freshGraph(state, toFlow(document), readOnly);

export function documentSlice(clock: () => number): StateCreator<DesignerState, [], [], DocumentSlice> {
  let gestures = 0;
  return (set, get) => {
    /** Applies an edit as one undo step (or merges it into the last one). */
    function commit(patch: (state: DesignerState) => Partial<DesignerState> | null, coalesce?: Coalesce): boolean {
      const state = get();
      if (state.readOnly) return false;
      const next = patch(state);
      if (!next) return false;
      const current = { nodes: state.nodes, edges: state.edges, revision: state.revision };
      const history = record(state.history, current, clock(), coalesce);
      set({ ...next, history, revision: state.nextRevision, nextRevision: state.nextRevision + 1, dirty: true });
      return true;
    }

    /** Adds `node` at its position or the nearest free spot, selected alone; its id, or null. */
    function addPlaced(node: DesignerNode, view: Rect | undefined): string | null {
      const placed = { ...node, position: freeSpot(get().nodes, node.position, nodeSize(node), view), selected: true };
      return commit((s) => ({ nodes: [...setSelected(s.nodes, false), placed] })) ? node.id : null;
    }

    function travel(step: typeof undo): void {
      const state = get();
      if (state.readOnly) return;
      const moved = step(state.history, { nodes: state.nodes, edges: state.edges, revision: state.revision });
      if (!moved) return;
      const { nodes, edges, revision } = moved.snapshot;
      set({ nodes, edges, revision, history: moved.history, gesture: null, dirty: revision !== state.savedRevision });
    }

    return {
      nodes: [],
      edges: [],
      history: emptyHistory(),
      revision: 0,
      savedRevision: 0,
      nextRevision: 1,
      dirty: false,
      gesture: null,
      clipboard: null,
      pasteCount: 0,
      readOnly: false,

      onNodesChange(changes) {
        const state = get();
        const edits = changes.some(isEdit);
        if (!edits || state.readOnly) {
          const allowed = state.readOnly ? changes.filter((change) => !isEdit(change)) : changes;
          if (allowed.length) set({ nodes: applyNodeChanges(allowed, state.nodes) });
          return;
        }
        const starts = changes.some(
          (c) => (c.type === "position" && c.dragging === true) || (c.type === "dimensions" && c.resizing === true),
        );
        const ends = changes.some(
          (c) => (c.type === "position" && c.dragging === false) || (c.type === "dimensions" && c.resizing === false),
        );
        const gesture = state.gesture ?? (starts ? `gesture:${++gestures}` : null);
        const nudge = changes.every((c) => c.type === "position" || c.type === "select");
        const coalesce: Coalesce | undefined = gesture
          ? { key: gesture, windowMs: Number.POSITIVE_INFINITY }
          : nudge
            ? { key: "nudge", windowMs: NUDGE_WINDOW_MS }
            : undefined;
        commit((s) => ({ nodes: applyNodeChanges(changes, s.nodes), gesture: ends ? null : gesture }), coalesce);
      },

      onEdgesChange(changes) {
        const state = get();
        const edits = changes.filter((change) => change.type !== "select");
        if (edits.length === 0 || state.readOnly) {
          const selections = changes.filter((change) => change.type === "select");
          if (selections.length) set({ edges: applyEdgeChanges(selections, state.edges) });
          return;
        }
        commit((s) => ({ edges: applyEdgeChanges(changes, s.edges) }));
      },

      connect(connection) {
        const state = get();
        const problem = plugProblem(state, connection);
        if (problem) {
          if (!state.readOnly) set({ notice: { kind: "error", text: problem } });
          return false;
        }
        const made = commit((s) => ({ edges: [...setSelected(s.edges, false), makePlug(connection)] }));
        const warning = plugWarning(state, connection);
        if (made && warning) set({ notice: { kind: "info", text: `${warning} The plug was made; check its values.` } });
        return made;
      },

      addSocketNode(spec, position, view) {
        const state = get();
        const made = makeSocketNode(spec, position, socketNames(state.nodes), state.flow?.name);
        return addPlaced(made, view);
      },

      addNote(position, text = "", view) {
        return addPlaced(makeNote(position, text), view);
      },

      addGroup(position) {
        let id: string | null = null;
        commit((s) => {
          const result = groupAround(s, position);
          id = result.groupId;
          return { nodes: result.graph.nodes };
        });
        return id;
      },

      ungroup() {
        commit((s) => ungroupSelected(s));
      },

      moveNodes(ids, delta) {
        const wanted = new Set(ids);
        commit((s) => ({ nodes: moveBy(s.nodes, wanted, delta) }), { key: `move:${ids.join(",")}`, windowMs: NUDGE_WINDOW_MS });
      },

      applyPositions(positions) {
        commit((s) => ({ nodes: placeAt(s.nodes, positions) }));
      },

      deleteSelection() {
        commit((s) => deleteSelected(s));
      },

      copy() {
        const clipboard = copySelection(get());
        if (clipboard) set({ clipboard, pasteCount: 0 });
        return clipboard !== null;
      },

      cut() {
        if (get().copy()) get().deleteSelection();
      },

      paste() {
        const { clipboard, pasteCount } = get();
        if (!clipboard) return;
        const step = 30 * (pasteCount + 1);
        if (commit((s) => pasteClipboard(s, clipboard, { x: step, y: step }))) set({ pasteCount: pasteCount + 1 });
      },

      updateNodeData(id, patch, coalesceKey) {
        const coalesce = coalesceKey ? { key: `node:${id}:${coalesceKey}`, windowMs: FIELD_EDIT_WINDOW_MS } : undefined;
        commit((s) => {
          if (!s.nodes.some((node) => node.id === id)) return null;
          return { nodes: s.nodes.map((node) => (node.id === id ? patchNodeData(node, patch) : node)) };
        }, coalesce);
      },

      updateEdgeData(id, patch, coalesceKey) {
        const coalesce = coalesceKey ? { key: `edge:${id}:${coalesceKey}`, windowMs: FIELD_EDIT_WINDOW_MS } : undefined;
        commit((s) => {
          if (!s.edges.some((edge) => edge.id === id)) return null;
          return {
            edges: s.edges.map((edge) =>
              edge.id === id && edge.data ? { ...edge, data: { ...edge.data, ...patch } } : edge,
            ),
          };
        }, coalesce);
      },

      selectAll() {
        set((s) => ({ nodes: setSelected(s.nodes, true), edges: setSelected(s.edges, true) }));
      },

      selectOnly(ids) {
        const wanted = new Set(ids);
        set((s) => ({
          nodes: s.nodes.map((node) => (Boolean(node.selected) === wanted.has(node.id) ? node : { ...node, selected: wanted.has(node.id) })),
          edges: setSelected(s.edges, false),
        }));
      },

      undo: () => travel(undo),
      redo: () => travel(redo),

      replaceDocument(document) {
        commit(() => toFlow(document));
      },
    };
  };
}
