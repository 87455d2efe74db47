/**
 * The one websocket to the platform. Reconnects with backoff; listeners see every frame.
 * Topic subscriptions survive reconnects: each is sent again when the socket opens.
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
      this.topics.forEach((topic) => this.send({ type: "subscribe", topic }));
    };
    socket.onmessage = (event) => {
      let frame: LiveFrame;
      try {
        frame = JSON.parse(String(event.data)) as LiveFrame;
      } catch {
        return;
      }
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
