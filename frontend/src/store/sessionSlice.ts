/**
 * The session half of the designer store: which flow is open, whether the canvas shows
 * the draft, a saved version (read-only) or a comparison, and which dialog is up.
 */
import type { StateCreator } from "zustand/vanilla";
import type { Flow } from "../api/types";
import type { DesignerState } from "./designer";
import type { VersionDiff } from "./diff";
import type { CanvasDocument } from "./document";
import { freshDocument, freshGraph } from "./documentSlice";
import type { Graph } from "./editing";

export type Mode =
  | { kind: "draft" }
  | { kind: "version"; number: number }
  | { kind: "compare"; from: number; to: number; diff: VersionDiff };

export type Dialog = "save" | "deploy" | "run" | "import" | "shortcuts" | null;
export type Notice = { kind: "error" | "info"; text: string } | null;

export type Stash = Pick<DesignerState, "nodes" | "edges" | "history" | "revision" | "savedRevision" | "dirty">;

export type SessionSlice = {
  mode: Mode;
  /** The draft put aside while a version or a comparison is shown. */
  stash: Stash | null;
  flow: Flow | null;
  /** The saved version the draft started from. */
  baseVersion: number | null;
  versionsTick: number;
  dialog: Dialog;
  searchRequest: number;
  showMinimap: boolean;
  snapToGrid: boolean;
  notice: Notice;

  load: (document: CanvasDocument, readOnly?: boolean) => void;
  /** `revision`: the one that was saved, if edits went on while saving. */
  markSaved: (versionNumber?: number, revision?: number) => void;
  showVersion: (document: CanvasDocument, number: number) => void;
  showComparison: (graph: Graph, from: number, to: number, diff: VersionDiff) => void;
  backToDraft: () => void;
  setFlow: (flow: Flow | null) => void;
  versionsChanged: () => void;
  openDialog: (dialog: Dialog) => void;
  requestSearch: () => void;
  toggleMinimap: () => void;
  toggleSnap: () => void;
  setNotice: (notice: Notice) => void;
};

const stashOf = (s: DesignerState): Stash =>
  s.stash ?? { nodes: s.nodes, edges: s.edges, history: s.history, revision: s.revision, savedRevision: s.savedRevision, dirty: s.dirty };

export const sessionSlice: StateCreator<DesignerState, [], [], SessionSlice> = (set, get) => ({
  mode: { kind: "draft" },
  stash: null,
  flow: null,
  baseVersion: null,
  versionsTick: 0,
  dialog: null,
  searchRequest: 0,
  showMinimap: true,
  snapToGrid: true,
  notice: null,

  load(document, readOnly = false) {
    set({ ...freshDocument(get(), document, readOnly), mode: { kind: "draft" }, stash: null, pasteCount: 0 });
  },

  markSaved(versionNumber, revision) {
    set((s) => {
      const saved = revision ?? s.revision;
      return { savedRevision: saved, dirty: s.revision !== saved, baseVersion: versionNumber ?? s.baseVersion };
    });
  },

  showVersion(document, number) {
    const s = get();
    set({ ...freshDocument(s, document, true), stash: stashOf(s), mode: { kind: "version", number } });
  },

  showComparison(graph, from, to, diff) {
    const s = get();
    set({ ...freshGraph(s, graph, true), stash: stashOf(s), mode: { kind: "compare", from, to, diff } });
  },

  backToDraft() {
    const { stash } = get();
    if (!stash) return;
    set({ ...stash, stash: null, readOnly: false, gesture: null, mode: { kind: "draft" } });
  },

  setFlow: (flow) => set({ flow }),
  versionsChanged: () => set((s) => ({ versionsTick: s.versionsTick + 1 })),
  openDialog: (dialog) => set({ dialog }),
  requestSearch: () => set((s) => ({ searchRequest: s.searchRequest + 1 })),
  toggleMinimap: () => set((s) => ({ showMinimap: !s.showMinimap })),
  toggleSnap: () => set((s) => ({ snapToGrid: !s.snapToGrid })),
  setNotice: (notice) => set({ notice }),
});
