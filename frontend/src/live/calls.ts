/**
 * The live calls table: rows from the REST page, updated in place by call events.
 * A call's state never moves backwards (an event that arrives after the final one is late).
 */
import type { LiveEvent } from "./feed";

export type CallRow = {
  call: string;
  name: string;
  state: string;
  run: string;
  socket: string;
  processor: string;
  queue?: string | null;
  started?: string | null;
  finished?: string | null;
  duration_ms?: number | null;
  error?: string | null;
};
export type CallFilter = { processor?: string; socket?: string; state?: string; run?: string };
export type CallsState = { ids: readonly string[]; rows: Readonly<Record<string, CallRow>>; added: number };

const RANK: Record<string, number> = { queued: 0, received: 1, running: 2, retry: 2, finished: 3, failed: 3, cancelled: 3, expired: 3 };
const rank = (state: string) => RANK[state] ?? 0;

export const emptyCalls = (): CallsState => ({ ids: [], rows: {}, added: 0 });

export function callsFromPage(rows: readonly CallRow[]): CallsState {
  const byId: Record<string, CallRow> = {};
  for (const row of rows) byId[row.call] = row;
  return { ids: rows.map((row) => row.call), rows: byId, added: 0 };
}

export function matches(row: Pick<CallRow, "processor" | "socket" | "state" | "run">, filter: CallFilter): boolean {
  return (
    (!filter.processor || row.processor === filter.processor) &&
    (!filter.socket || row.socket === filter.socket) &&
    (!filter.state || row.state === filter.state) &&
    (!filter.run || row.run === filter.run)
  );
}

const text = (value: unknown): string => (typeof value === "string" ? value : "");

function merge(row: CallRow | undefined, event: LiveEvent): CallRow | null {
  const state = text(event.state);
  if (row && rank(state) < rank(row.state)) return null; // late event
  const now = typeof event.at === "string" ? event.at : null;
  const base: CallRow = row ?? {
    call: text(event.call), name: text(event.name), state, run: text(event.run), socket: text(event.socket),
    processor: text(event.processor), queue: text(event.queue) || null,
  };
  const next: CallRow = { ...base, state };
  if (event.event === "prerun" && now) next.started = now;
  if (rank(state) === 3 && now) next.finished = now;
  if (typeof event.duration_ms === "number") next.duration_ms = event.duration_ms;
  if (typeof event.error === "string") next.error = event.error;
  return next;
}

/**
 * Applies call events: known rows change in place; new calls that match the filter are
 * added at the top when `live` (the first page), keeping at most `limit` rows.
 */
export function callsApply(state: CallsState, events: readonly LiveEvent[], filter: CallFilter, live: boolean, limit: number): CallsState {
  let rows: Record<string, CallRow> | null = null;
  let fresh: string[] = [];
  for (const event of events) {
    if (event.kind !== "call" || typeof event.call !== "string" || typeof event.state !== "string") continue;
    const current = (rows ?? state.rows)[event.call];
    if (!current && (!live || !matches(event as unknown as CallRow, filter))) continue;
    const next = merge(current, event);
    if (!next) continue;
    rows = rows ?? { ...state.rows };
    rows[event.call] = next;
    if (!current) fresh = [event.call, ...fresh];
  }
  if (!rows) return state;
  const ids = fresh.length ? [...fresh, ...state.ids] : state.ids;
  const kept = ids.slice(0, limit);
  for (const dropped of ids.slice(limit)) delete rows[dropped];
  return { ids: kept, rows, added: state.added + fresh.length };
}
