/**
 * The live feed: frames from the websocket turned into events, with gap detection.
 *
 * The server sends `events` frames (see apps/live/consumers.py): each names, per topic, the
 * topic's running `total` and how many of its events the frame `count`s. A frame whose
 * `total - count` is above the last total we knew means events were missed (the server
 * also says why in `gaps`). Several frames arriving before the next paint are applied
 * together (coalesced), each event once (by its stream id `sid`).
 */

export type LiveEvent = { kind?: string; sid?: string; [key: string]: unknown };
export type TopicProgress = { seq: number; total: number; count: number };
export type EventsFrame = {
  type: "events";
  frame: number;
  events: LiveEvent[];
  topics: Record<string, TopicProgress>;
  pending?: number;
  gaps?: { topic: string; missed: number; reason: string }[];
};
export type Gap = { topic: string; missed: number; reason: string };

export type FeedState = {
  /** Last total known per topic (from `subscribed` or a frame). */
  totals: Readonly<Record<string, number>>;
  frames: number;
  received: number;
  missed: number;
  lastGap: Gap | null;
  recent: readonly string[];
  /** How many times the server said it no longer holds what we missed (reload the lists). */
  resyncs: number;
};

const RECENT = 20_000;

export const emptyFeed = (): FeedState => ({
  totals: {},
  frames: 0,
  received: 0,
  missed: 0,
  lastGap: null,
  recent: [],
  resyncs: 0,
});

type Obj = Record<string, unknown>;
const isObject = (value: unknown): value is Obj => typeof value === "object" && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

export function isEventsFrame(frame: unknown): frame is EventsFrame {
  return isObject(frame) && frame.type === "events" && Array.isArray(frame.events) && isObject(frame.topics);
}

/**
 * The baseline of a topic from the server's `subscribed` reply. A resubscription after a
 * reconnect keeps what we knew (a jump is a gap), unless it was one with `after`: then the
 * server replays what we missed (`replayed`) or says `resync`, and its total is the baseline.
 */
export function feedSubscribed(state: FeedState, frame: unknown): FeedState {
  if (!isObject(frame) || frame.type !== "subscribed" || typeof frame.topic !== "string" || !isNumber(frame.total)) return state;
  if (state.totals[frame.topic] !== undefined && !isNumber(frame.replayed)) return state;
  return { ...state, totals: { ...state.totals, [frame.topic]: frame.total } };
}

function reasonFor(frame: EventsFrame, topic: string): string {
  return frame.gaps?.find((gap) => gap.topic === topic)?.reason ?? "disconnected";
}

/** The server no longer holds the events we missed on a topic: the pages reload from the API. */
export function feedResync(state: FeedState, frame: unknown): FeedState {
  if (!isObject(frame) || frame.type !== "resync") return state;
  return { ...state, resyncs: state.resyncs + 1 };
}

/** Applies the frames that arrived since the last paint; returns the new events, each once. */
export function feedApply(state: FeedState, frames: readonly unknown[]): { state: FeedState; events: LiveEvent[] } {
  const totals = { ...state.totals };
  const seen = new Set(state.recent);
  const recent = [...state.recent];
  const events: LiveEvent[] = [];
  let { missed, lastGap, received, frames: count } = state;
  for (const frame of frames) {
    if (!isEventsFrame(frame)) continue;
    count += 1;
    for (const [topic, progress] of Object.entries(frame.topics)) {
      if (!isObject(progress) || !isNumber(progress.total) || !isNumber(progress.count)) continue;
      const known = totals[topic];
      const start = progress.total - progress.count;
      if (known !== undefined && start > known) {
        missed += start - known;
        lastGap = { topic, missed: start - known, reason: reasonFor(frame, topic) };
      }
      totals[topic] = progress.total < (known ?? 0) && start >= 0 ? progress.total : Math.max(known ?? 0, progress.total);
    }
    for (const event of frame.events) {
      if (!isObject(event)) continue;
      const sid = typeof event.sid === "string" ? event.sid : null;
      if (sid && seen.has(sid)) continue;
      if (sid) {
        seen.add(sid);
        recent.push(sid);
      }
      events.push(event as LiveEvent);
    }
  }
  received += events.length;
  const trimmed = recent.length > RECENT ? recent.slice(recent.length - RECENT) : recent;
  return { state: { ...state, totals, frames: count, received, missed, lastGap, recent: trimmed }, events };
}
