/**
 * The one websocket to the platform. Reconnects with backoff; listeners see every frame.
 * Topic subscriptions survive reconnects: each is sent again when the socket opens, with
 * `after`: the last stream id seen for the topic (a `subscribed` frame's `sid`, an `events`
 * frame's `sids`), so the server sends what the page missed meanwhile, or `resync` when it
 * no longer holds it (apps/live/consumers.py).
 */

export type LiveState = "connecting" | "open" | "closed" | "refused";
export type LiveFrame = { type: string; [key: string]: unknown };

type Listener = (frame: LiveFrame) => void;
type StateListener = (state: LiveState) => void;

export const CLOSE_UNAUTHENTICATED = 4401;

export function liveUrl(location: Pick<Location, "protocol" | "host">): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws/`;
}

/** Stream ids ("<millis>-<serial>") in stream order. */
export function streamIdAfter(a: string, b: string): boolean {
  const [am = 0, as = 0] = a.split("-").map(Number);
  const [bm = 0, bs = 0] = b.split("-").map(Number);
  return am > bm || (am === bm && as > bs);
}

const STREAM_ID = /^\d+-\d+$/;

export function nextDelay(attempt: number): number {
  return Math.min(30_000, 500 * 2 ** Math.max(0, attempt));
}

export class LiveSocket {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private listeners = new Set<Listener>();
  private stateListeners = new Set<StateListener>();
  private stopped = false;
  private topics = new Set<string>();
  private lastSid = new Map<string, string>();

  constructor(private readonly url: string) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.socket?.close();
  }

  send(frame: LiveFrame): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  /** Asks for a topic's frames (e.g. "flow:orders") now and after every reconnect. */
  subscribe(topic: string): () => void {
    this.topics.add(topic);
    this.send({ type: "subscribe", topic });
    return () => {
      this.topics.delete(topic);
      this.lastSid.delete(topic);
      this.send({ type: "unsubscribe", topic });
    };
  }

  onFrame(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onState(listener: StateListener): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** The last stream id seen per subscribed topic: where a reconnect resumes. */
  private remember(frame: LiveFrame): void {
    const seen: [string, unknown][] =
      frame.type === "subscribed" && typeof frame.topic === "string"
        ? [[frame.topic, frame.sid]]
        : frame.type === "events" && typeof frame.sids === "object" && frame.sids !== null
          ? Object.entries(frame.sids)
          : [];
    for (const [topic, sid] of seen) {
      if (!this.topics.has(topic) || typeof sid !== "string" || !STREAM_ID.test(sid)) continue;
      const known = this.lastSid.get(topic);
      if (!known || streamIdAfter(sid, known)) this.lastSid.set(topic, sid);
    }
  }

  private emitState(state: LiveState): void {
    this.stateListeners.forEach((listener) => listener(state));
  }

  private connect(): void {
    this.emitState("connecting");
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.emitState("open");
      this.topics.forEach((topic) => {
        const after = this.lastSid.get(topic);
        this.send(after ? { type: "subscribe", topic, after } : { type: "subscribe", topic });
      });
    };
    socket.onmessage = (event) => {
      let frame: LiveFrame;
      try {
        frame = JSON.parse(String(event.data)) as LiveFrame;
      } catch {
        return;
      }
      this.remember(frame);
      this.listeners.forEach((listener) => listener(frame));
    };
    socket.onclose = (event) => {
      if (event.code === CLOSE_UNAUTHENTICATED) {
        this.emitState("refused");
        return;
      }
      this.emitState("closed");
      if (!this.stopped) setTimeout(() => this.connect(), nextDelay(this.attempt++));
    };
  }
}
