/**
 * The designer's one store: the document (nodes, edges, undo history, clipboard; see
 * documentSlice.ts) and the session (open flow, draft or version or comparison, dialogs;
 * see sessionSlice.ts). Live counts live in live/overlay.ts so they never touch this
 * store or its history. Read it with small selectors (selectors.ts), never all nodes.
 */
import { useStore } from "zustand";
import { createStore, type StoreApi } from "zustand/vanilla";
import { documentSlice, type DocumentSlice } from "./documentSlice";
import { sessionSlice, type SessionSlice } from "./sessionSlice";

export type { Dialog, Mode, Notice } from "./sessionSlice";

export type DesignerState = DocumentSlice & SessionSlice;
export type DesignerStore = StoreApi<DesignerState>;

/** `clock` times the merging of quick edits into one undo step; tests pass their own. */
export function createDesignerStore(clock: () => number = Date.now): DesignerStore {
  return createStore<DesignerState>()((...args) => ({ ...documentSlice(clock)(...args), ...sessionSlice(...args) }));
}

/** The page's store. Tests make their own with createDesignerStore(). */
export const designerStore = createDesignerStore();

export function useDesigner<T>(selector: (state: DesignerState) => T): T {
  return useStore(designerStore, selector);
}
