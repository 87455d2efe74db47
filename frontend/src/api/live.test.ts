import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LiveSocket, liveUrl, nextDelay, streamIdAfter } from "./live";

describe("liveUrl", () => {
  it("uses wss behind https and ws otherwise", () => {
    expect(liveUrl({ protocol: "https:", host: "x.io" })).toBe("wss://x.io/ws/");
    expect(liveUrl({ protocol: "http:", host: "localhost:8000" })).toBe("ws://localhost:8000/ws/");
  });
});

describe("nextDelay", () => {
  it("backs off exponentially up to 30 seconds", () => {
    expect(nextDelay(0)).toBe(500);
    expect(nextDelay(3)).toBe(4000);
    expect(nextDelay(20)).toBe(30000);
  });
});

/** A stand-in for the browser's WebSocket: records what is sent, lets the test open, deliver and close. */
class FakeSocket {
  static OPEN = 1;
  static made: FakeSocket[] = [];
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close() {
    this.readyState = 3;
    this.onclose?.({ code: 1006 });
  }
  open() {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
  deliver(frame: Record<string, unknown>) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

describe("LiveSocket reconnect", () => {
  beforeEach(() => {
    FakeSocket.made = [];
    vi.useFakeTimers();
    vi.stubGlobal("WebSocket", FakeSocket);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("resubscribes each topic with `after` the last stream id it saw for it", () => {
    const live = new LiveSocket("ws://x/ws/");
    live.subscribe("calls:all");
    live.subscribe("nodes");
    live.subscribe("run:r1");
    live.start();
    const [first] = FakeSocket.made;
    if (!first) throw new Error("no socket was opened");
    first.open();
    expect(first.sent).toEqual([
      { type: "subscribe", topic: "calls:all" },
      { type: "subscribe", topic: "nodes" },
      { type: "subscribe", topic: "run:r1" },
    ]);
    first.deliver({ type: "subscribed", topic: "calls:all", sid: "100-0" });
    first.deliver({ type: "subscribed", topic: "run:r1", sid: "100-0" });
    first.deliver({ type: "events", events: [], topics: {}, sids: { "calls:all": "1700-3", nodes: "snap-nodes-1" } });
    first.deliver({ type: "events", events: [], topics: {}, sids: { "calls:all": "999-9" } }); // older: ignored
    first.close();
    vi.advanceTimersByTime(nextDelay(0));
    const second = FakeSocket.made[1];
    if (!second) throw new Error("the socket did not reconnect");
    second.open();
    expect(second.sent).toEqual([
      { type: "subscribe", topic: "calls:all", after: "1700-3" },
      { type: "subscribe", topic: "nodes" },
      { type: "subscribe", topic: "run:r1", after: "100-0" },
    ]);
    live.stop();
  });

  it("orders stream ids by time, then serial", () => {
    expect(streamIdAfter("1700-0", "999-9")).toBe(true);
    expect(streamIdAfter("1700-10", "1700-9")).toBe(true);
    expect(streamIdAfter("1700-1", "1700-1")).toBe(false);
  });
});
