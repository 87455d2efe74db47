/**
 * Live counts drawn over the canvas: calls per socket and traffic per queue, fed by the
 * websocket. Kept apart from the designer store so a live update re-renders only the
 * nodes and edges it concerns and never enters undo history.
 *
 * Frames it understands (anything else, or any missing field, is ignored):
 *   {"type":"counters","sockets":{name: counts},"open":{call id: bucket},"reseed"?:true} (the API's, ./flowLive)
 *   {"type":"events","events":[{"kind":"call","socket":name,"state":s,"call"|"id"?,"queue"?}, ...]}
 *   {"type":"events","events":[{"kind":"queue","name","ready","inflight","published"?}, ...]}
 *   {"type":"queues","queues":[{"name","ready","inflight","published"?}, ...]}
 *   {"type":"events","events":[{"kind":"deploy","object"?:{kind,name},"action"?,"ok"?,"error"?}]}
 *   {"type":"events","events":[{"kind":"queues","queues":[monitor items, see ./wires]}]}
 *   {"type":"events","events":[{"kind":"scale","processor","to","min","max","reason"}]}
 */
import { createStore } from "zustand/vanilla";
import { useStore } from "zustand";
import { wireFrom, type WireLive } from "./wires";

export type Bucket = "queued" | "running" | "finished" | "failed";
export type Tracked = Bucket | "ended";
export type CallCounts = Record<Bucket, number>;
export type LiveCall = { id: string | null; state: string; at: number };
export type SocketLive = CallCounts & { last: Bucket | null; recent: LiveCall[] };
export type QueueLive = { ready: number; inflight: number; traffic: number; changedAt: number };
export type DeployEvent = { kind: string; name: string; action: string; ok: boolean | null; error: string };

export type OverlayState = {
  sockets: Readonly<Record<string, SocketLive>>;
  queues: Readonly<Record<string, QueueLive>>;
  /** The queue monitor's figures per broker queue ("<queue>.<processor>"). */
  wires: Readonly<Record<string, WireLive>>;
  /** The autoscaler's last decision per processor name. */
  scale: Readonly<Record<string, ScaleLive>>;
  /** Last bucket of each call seen with an id, so a transition moves it between counts;
   * "ended": it ended while events were lost, and the counts reloaded since include it. */
  calls: Readonly<Record<string, Tracked>>;
  callOrder: readonly string[];
  deploy: readonly DeployEvent[];
};

export const RECENT_CALLS = 20;
const TRACKED_CALLS = 5000;

export type ScaleLive = { current: number; min: number; max: number; reason: string };

export const emptyOverlay = (): OverlayState => ({ sockets: {}, queues: {}, wires: {}, scale: {}, calls: {}, callOrder: [], deploy: [] });

const BUCKETS: Record<string, Bucket> = {
  queued: "queued",
  received: "queued",
  retry: "queued",
  running: "running",
  started: "running",
  finished: "finished",
  success: "finished",
  failed: "failed",
  failure: "failed",
  expired: "failed",
};

const EMPTY_SOCKET: SocketLive = { queued: 0, running: 0, finished: 0, failed: 0, last: null, recent: [] };

type Obj = Record<string, unknown>;
const isObject = (value: unknown): value is Obj => typeof value === "object" && value !== null && !Array.isArray(value);
const count = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : null);
const text = (value: unknown): string => (typeof value === "string" ? value : typeof value === "number" ? String(value) : "");

/** Where a call's state puts it; unknown states (e.g. cancelled) leave the counts. */
export const bucketOf = (state: string): Bucket | null => BUCKETS[state.toLowerCase()] ?? null;

function applyCall(draft: Draft, event: Obj, now: number): void {
  const socket = text(event.socket);
  const state = text(event.state);
  if (!socket || !state) return;
  const id = text(event.call) || text(event.id) || null;
  const bucket = bucketOf(state);
  const current = draft.sockets[socket] ?? EMPTY_SOCKET;
  // One row per call: a call's newer state replaces its older one.
  const others = id ? current.recent.filter((call) => call.id !== id) : current.recent;
  const next: SocketLive = { ...current, recent: [{ id, state, at: now }, ...others].slice(0, RECENT_CALLS) };
  const previous = id ? draft.calls[id] : undefined;
  if (previous === "ended") {
    draft.put("sockets", socket, next);
    return;
  }
  if (previous && previous !== bucket) next[previous] = Math.max(0, next[previous] - 1);
  if (!previous && !id) {
    // Without an id, assume the usual path queued -> running -> finished|failed.
    if (bucket === "running") next.queued = Math.max(0, next.queued - 1);
    if (bucket === "finished" || bucket === "failed") next.running = Math.max(0, next.running - 1);
  }
  if (bucket && previous !== bucket) next[bucket] += 1;
  if (bucket) next.last = bucket;
  draft.put("sockets", socket, next);
  if (id && bucket) {
    if (!previous) draft.push("callOrder", id);
    draft.put("calls", id, bucket);
  }
  if (bucket === "queued" && !previous) {
    const queue = text(event.queue) || socket;
    const old = draft.queues[queue] ?? { ready: 0, inflight: 0, traffic: 0, changedAt: 0 };
    draft.put("queues", queue, { ...old, traffic: old.traffic + 1, changedAt: now });
  }
}

function applyDeploy(draft: Draft, event: Obj): void {
  const object = isObject(event.object) ? event.object : event;
  draft.push("deploy", {
    kind: text(object.kind === "deploy" ? "" : object.kind),
    name: text(object.name),
    action: text(event.action),
    ok: typeof event.ok === "boolean" ? event.ok : null,
    error: text(event.error),
  });
}

function applyQueue(draft: Draft, item: Obj, now: number): void {
  const name = text(item.name);
  if (!name) return;
  const old = draft.queues[name];
  const base = old ?? { ready: 0, inflight: 0, traffic: 0, changedAt: 0 };
  const ready = count(item.ready) ?? base.ready;
  const inflight = count(item.inflight) ?? base.inflight;
  const traffic = count(item.published) ?? base.traffic;
  if (old && ready === old.ready && inflight === old.inflight && traffic === old.traffic) return;
  // changedAt marks new traffic (a plug pulses); the first sighting of a queue is not traffic.
  const changedAt = old && traffic !== old.traffic ? now : base.changedAt;
  draft.put("queues", name, { ready, inflight, traffic, changedAt });
}

function applyScale(draft: Draft, event: Obj): void {
  const name = text(event.processor);
  const current = count(event.to);
  if (!name || current === null) return;
  draft.put("scale", name, { current, min: count(event.min) ?? current, max: count(event.max) ?? current, reason: text(event.reason) });
}

function applyWires(draft: Draft, items: unknown[]): void {
  for (const item of items) {
    const wire = isObject(item) ? wireFrom(item) : null;
    if (wire) draft.put("wires", wire[0], wire[1]);
  }
}

type MapKey = "sockets" | "queues" | "wires" | "scale" | "calls";
type ListKey = "callOrder" | "deploy";
type Mutable = { -readonly [K in keyof OverlayState]: OverlayState[K] };

/** A frame's changes, copying each map or list at most once however many events touch it. */
class Draft {
  readonly state: Mutable;
  private copied = new Set<keyof OverlayState>();

  constructor(base: OverlayState) {
    this.state = { ...base };
  }

  get sockets() {
    return this.state.sockets;
  }
  get queues() {
    return this.state.queues;
  }
  get wires() {
    return this.state.wires;
  }
  get scale() {
    return this.state.scale;
  }
  get calls() {
    return this.state.calls;
  }
  get callOrder() {
    return this.state.callOrder;
  }
  get deploy() {
    return this.state.deploy;
  }

  put<K extends MapKey>(key: K, name: string, value: OverlayState[K][string]): void {
    if (!this.copied.has(key)) {
      this.state[key] = { ...this.state[key] } as Mutable[K];
      this.copied.add(key);
    }
    (this.state[key] as Record<string, OverlayState[K][string]>)[name] = value;
  }

  push<K extends ListKey>(key: K, value: OverlayState[K][number]): void {
    if (!this.copied.has(key)) {
      this.state[key] = [...this.state[key]] as Mutable[K];
      this.copied.add(key);
    }
    (this.state[key] as OverlayState[K][number][]).push(value);
  }

  replace<K extends keyof OverlayState>(key: K, value: OverlayState[K]): void {
    this.state[key] = value;
    this.copied.add(key);
  }

  get changed(): boolean {
    return this.copied.size > 0;
  }
}

/** The counts the API gave when the flow opened: they replace what the overlay counted (it
 * was just reset), and the open calls are remembered so their live events move them. When
 * `reseed` (after a resync: events were lost), the API's open calls replace the ones the
 * overlay knew, and those no longer open are marked ended: their end is in the counts. */
function applyCounters(draft: Draft, sockets: Obj, open: Obj, reseed: boolean): void {
  for (const [name, raw] of Object.entries(sockets)) {
    if (!isObject(raw)) continue;
    const current = draft.sockets[name] ?? EMPTY_SOCKET;
    const last = raw.last === "finished" || raw.last === "failed" ? raw.last : current.last;
    draft.put("sockets", name, {
      ...current, last,
      queued: count(raw.queued) ?? 0, running: count(raw.running) ?? 0,
      finished: count(raw.finished) ?? 0, failed: count(raw.failed) ?? 0,
    });
  }
  const calls: Record<string, Tracked> = { ...draft.calls };
  if (reseed) for (const [id, known] of Object.entries(calls)) if (known === "queued" || known === "running") calls[id] = "ended";
  for (const [id, bucket] of Object.entries(open)) {
    if ((reseed || !(id in calls)) && (bucket === "queued" || bucket === "running")) calls[id] = bucket;
  }
  draft.replace("calls", calls);
}

function forgetOldCalls(draft: Draft): void {
  if (draft.callOrder.length <= TRACKED_CALLS) return;
  const drop = draft.callOrder.slice(0, draft.callOrder.length - TRACKED_CALLS);
  const calls = { ...draft.calls };
  for (const id of drop) delete calls[id];
  draft.replace("calls", calls);
  draft.replace("callOrder", draft.callOrder.slice(drop.length));
}

/** The overlay after one websocket frame. Returns `state` itself when nothing applies. */
export function reduceOverlay(state: OverlayState, frame: unknown, now: number): OverlayState {
  if (!isObject(frame)) return state;
  const draft = new Draft(state);
  if (frame.type === "events" && Array.isArray(frame.events)) {
    for (const event of frame.events) {
      if (!isObject(event)) continue;
      if (event.kind === "call") applyCall(draft, event, now);
      else if (event.kind === "queue") applyQueue(draft, event, now);
      else if (event.kind === "deploy") applyDeploy(draft, event);
      else if (event.kind === "queues" && Array.isArray(event.queues)) applyWires(draft, event.queues);
      else if (event.kind === "scale") applyScale(draft, event);
    }
    forgetOldCalls(draft);
  } else if (frame.type === "counters" && isObject(frame.sockets)) {
    applyCounters(draft, frame.sockets, isObject(frame.open) ? frame.open : {}, frame.reseed === true);
  } else if (frame.type === "queues" && Array.isArray(frame.queues)) {
    for (const item of frame.queues) if (isObject(item)) applyQueue(draft, item, now);
  } else {
    return state;
  }
  return draft.changed ? draft.state : state;
}

export type NodeState = "idle" | "queued" | "running" | "ok" | "failed";

/** The colour a node shows: busy first, then how its last call ended. */
export function nodeState(live: SocketLive | undefined): NodeState {
  if (!live) return "idle";
  if (live.running > 0) return "running";
  if (live.queued > 0) return "queued";
  if (live.last === "failed") return "failed";
  if (live.last === "finished") return "ok";
  return "idle";
}

type OverlayStore = OverlayState & { apply: (frame: unknown) => void; reset: () => void; clearDeploy: () => void };

export const overlayStore = createStore<OverlayStore>()((set, get) => ({
  ...emptyOverlay(),
  apply(frame) {
    const state = get();
    const next = reduceOverlay(state, frame, Date.now());
    if (next !== state) set(next);
  },
  reset: () => set(emptyOverlay()),
  clearDeploy: () => set({ deploy: [] }),
}));

export function useOverlay<T>(selector: (state: OverlayStore) => T): T {
  return useStore(overlayStore, selector);
}
