import { describe, expect, it } from "vitest";
import type { LiveFrame, LiveState } from "../api/live";
import type { FlowCounters } from "../api/types";
import { flowLiveStart, type FlowLiveSocket } from "./flowLive";
import { emptyOverlay, reduceOverlay, type OverlayState } from "./overlay";

/** A socket the test feeds frames into. */
class FakeSocket implements FlowLiveSocket {
  topics: string[] = [];
  private listeners = new Set<(frame: LiveFrame) => void>();
  onFrame(listener: (frame: LiveFrame) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  onState(_listener: (state: LiveState) => void) {
    return () => undefined;
  }
  subscribe(topic: string) {
    this.topics.push(topic);
    return () => undefined;
  }
  start() {}
  stop() {}
  send(frame: LiveFrame) {
    this.listeners.forEach((listener) => listener(frame));
  }
}

const counts = (queued: number, running: number, finished: number): FlowCounters["sockets"][string] =>
  ({ queued, running, finished, failed: 0, last: finished ? "finished" : null });
const call = (id: string, state: string) => ({ type: "events", events: [{ kind: "call", socket: "orders.load", state, id }] });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function follow(answers: FlowCounters[]) {
  let state: OverlayState = emptyOverlay();
  const socket = new FakeSocket();
  const asked: string[] = [];
  const stop = flowLiveStart("orders", {
    socket,
    counters: async (name) => {
      asked.push(name);
      return answers[asked.length - 1] ?? null;
    },
    overlay: { apply: (frame) => (state = reduceOverlay(state, frame, 1)), reset: () => (state = emptyOverlay()) },
    onState: () => undefined,
  });
  return { socket, asked, stop, state: () => state };
}

describe("an open flow's live counters", () => {
  it("are seeded from the API when the flow opens, then follow the live events", async () => {
    const flow = follow([{ sockets: { "orders.load": counts(1, 0, 4) }, open: { c1: "queued" } }]);
    await settle();
    expect(flow.socket.topics).toEqual(["flow:orders", "queues"]);
    expect(flow.state().sockets["orders.load"]).toMatchObject({ queued: 1, finished: 4 });
    flow.socket.send(call("c1", "finished"));
    expect(flow.state().sockets["orders.load"]).toMatchObject({ queued: 0, finished: 5 });
  });

  it("are loaded again from the API when the server says resync, and replace the stale ones", async () => {
    const flow = follow([
      { sockets: { "orders.load": counts(0, 1, 4) }, open: { c1: "running" } },
      // Meanwhile (events lost): c1 finished, c2 and c3 ran, c4 is queued.
      { sockets: { "orders.load": counts(1, 0, 7) }, open: { c4: "queued" } },
    ]);
    await settle();
    flow.socket.send({ type: "resync", topic: "queues", message: "reload" });
    await settle();
    expect(flow.asked).toEqual(["orders"]);
    flow.socket.send({ type: "resync", topic: "flow:orders", message: "reload" });
    await settle();
    expect(flow.asked).toEqual(["orders", "orders"]);
    expect(flow.state().sockets["orders.load"]).toMatchObject({ queued: 1, running: 0, finished: 7 });
    // c1's end was counted by the API: a late repeat of it changes nothing; c4 moves on.
    flow.socket.send(call("c1", "finished"));
    flow.socket.send(call("c4", "running"));
    expect(flow.state().sockets["orders.load"]).toMatchObject({ queued: 0, running: 1, finished: 7 });
  });

  it("stop applying what arrives after the flow is closed", async () => {
    const flow = follow([{ sockets: { "orders.load": counts(0, 0, 1) }, open: {} }]);
    flow.stop();
    await settle();
    expect(flow.state().sockets).toEqual({});
  });
});
