/**
 * Undo history as plain data. A snapshot is the node and edge arrays before a change;
 * updates are immutable, so a snapshot shares everything that did not change.
 */
import type { DesignerNode, PlugEdge } from "./flow";

export const HISTORY_LIMIT = 100;

export type Snapshot = { nodes: DesignerNode[]; edges: PlugEdge[]; revision: number };

export type History = {
  past: Snapshot[];
  future: Snapshot[];
  /** The last recorded change that later changes may merge into. */
  last: { key: string; at: number } | null;
};

export type Coalesce = { key: string; windowMs: number };

export const emptyHistory = (): History => ({ past: [], future: [], last: null });

/**
 * Records `current` as the state to go back to before a new change. A change whose
 * coalesce key matches the last one within its window merges into it (one undo step
 * for a whole drag or a run of keystrokes in one field).
 */
export function record(history: History, current: Snapshot, now: number, coalesce?: Coalesce): History {
  const last = coalesce ? { key: coalesce.key, at: now } : null;
  if (coalesce && history.last && history.last.key === coalesce.key && now - history.last.at <= coalesce.windowMs) {
    return { past: history.past, future: [], last };
  }
  const past = history.past.length >= HISTORY_LIMIT ? history.past.slice(1) : history.past.slice();
  past.push(current);
  return { past, future: [], last };
}

export function undo(history: History, current: Snapshot): { history: History; snapshot: Snapshot } | null {
  const snapshot = history.past.at(-1);
  if (!snapshot) return null;
  return {
    snapshot,
    history: { past: history.past.slice(0, -1), future: [...history.future, current], last: null },
  };
}

export function redo(history: History, current: Snapshot): { history: History; snapshot: Snapshot } | null {
  const snapshot = history.future.at(-1);
  if (!snapshot) return null;
  return {
    snapshot,
    history: { past: [...history.past, current], future: history.future.slice(0, -1), last: null },
  };
}
