import { describe, expect, it } from "vitest";
import { emptyOverlay, nodeState, reduceOverlay, RECENT_CALLS } from "./overlay";

const events = (...items: unknown[]) => ({ type: "events", events: items });

describe("reduceOverlay", () => {
  it("moves a call with an id between counts as its state changes", () => {
    let s = emptyOverlay();
    s = reduceOverlay(s, events({ kind: "call", socket: "load", state: "queued", id: "c1" }), 1);
    expect(s.sockets.load).toMatchObject({ queued: 1, running: 0 });
    expect(nodeState(s.sockets.load)).toBe("queued");
    s = reduceOverlay(s, events({ kind: "call", socket: "load", state: "running", id: "c1" }), 2);
    expect(s.sockets.load).toMatchObject({ queued: 0, running: 1 });
    expect(nodeState(s.sockets.load)).toBe("running");
    s = reduceOverlay(s, events({ kind: "call", socket: "load", state: "failed", id: "c1" }), 3);
    expect(s.sockets.load).toMatchObject({ queued: 0, running: 0, finished: 0, failed: 1 });
    expect(nodeState(s.sockets.load)).toBe("failed");
    expect(s.sockets.load?.recent.map((c) => c.state)).toEqual(["failed"]);
  });

  it("lists a call once, in its latest state, among the recent calls", () => {
    let s = emptyOverlay();
    for (const [id, state] of [["c1", "queued"], ["c2", "queued"], ["c1", "running"], ["c1", "finished"]]) {
      s = reduceOverlay(s, events({ kind: "call", socket: "load", state, id }), 1);
    }
    expect(s.sockets.load?.recent.map((c) => `${c.id}:${c.state}`)).toEqual(["c1:finished", "c2:queued"]);
  });

  it("assumes the usual path for calls without ids", () => {
    let s = emptyOverlay();
    for (const state of ["queued", "queued", "running", "finished"]) s = reduceOverlay(s, events({ kind: "call", socket: "x", state }), 1);
    expect(s.sockets.x).toMatchObject({ queued: 1, running: 0, finished: 1, failed: 0 });
    expect(nodeState(s.sockets.x)).toBe("queued");
  });

  it("counts traffic into the socket's queue and takes queue depths", () => {
    let s = reduceOverlay(emptyOverlay(), events({ kind: "call", socket: "x", state: "queued", id: "1" }), 5);
    expect(s.queues.x).toMatchObject({ traffic: 1, changedAt: 5 });
    s = reduceOverlay(s, { type: "queues", queues: [{ name: "x", ready: 4, inflight: 2, consumers: 1 }, { name: "y", ready: 1, inflight: 0 }] }, 6);
    expect(s.queues.x).toMatchObject({ ready: 4, inflight: 2, traffic: 1 });
    expect(s.queues.y).toMatchObject({ ready: 1, inflight: 0, traffic: 0 });
    s = reduceOverlay(s, { type: "queues", queues: [{ name: "y", ready: 1, inflight: 0, published: 42 }] }, 7);
    expect(s.queues.y?.traffic).toBe(42);
  });

  it("touches only the entries that changed", () => {
    let s = reduceOverlay(emptyOverlay(), events({ kind: "call", socket: "a", state: "queued" }, { kind: "call", socket: "b", state: "queued" }), 1);
    const before = s.sockets.a;
    s = reduceOverlay(s, events({ kind: "call", socket: "b", state: "running" }), 2);
    expect(s.sockets.a).toBe(before);
    const same = reduceOverlay(s, { type: "queues", queues: [] }, 3);
    expect(same).toBe(s);
  });

  it("ignores frames and events it does not know, and missing fields", () => {
    const s = emptyOverlay();
    expect(reduceOverlay(s, null, 1)).toBe(s);
    expect(reduceOverlay(s, { type: "hello", user: "x" }, 1)).toBe(s);
    expect(reduceOverlay(s, { type: "events" }, 1)).toBe(s);
    expect(reduceOverlay(s, events({ kind: "call" }, { kind: "node", state: "up" }, 7, null), 1).sockets).toEqual({});
    expect(reduceOverlay(s, { type: "queues", queues: [{ ready: 3 }, "x"] }, 1).queues).toEqual({});
  });

  it("keeps a bounded list of recent calls", () => {
    let s = emptyOverlay();
    for (let i = 0; i < RECENT_CALLS + 5; i++) s = reduceOverlay(s, events({ kind: "call", socket: "x", state: "finished", id: String(i) }), i);
    expect(s.sockets.x?.recent).toHaveLength(RECENT_CALLS);
    expect(s.sockets.x?.finished).toBe(RECENT_CALLS + 5);
  });

  it("reads the server's call ids and queue events", () => {
    let s = reduceOverlay(emptyOverlay(), events({ kind: "call", event: "sent", socket: "x", state: "queued", call: "uuid-1" }), 1);
    s = reduceOverlay(s, events({ kind: "call", event: "started", socket: "x", state: "running", call: "uuid-1" }), 2);
    expect(s.sockets.x).toMatchObject({ queued: 0, running: 1 });
    s = reduceOverlay(s, events({ kind: "queue", name: "x", ready: 3, inflight: 1, consumers: 2 }), 3);
    expect(s.queues.x).toMatchObject({ ready: 3, inflight: 1, traffic: 1 });
  });

  it("takes thousands of queues in one frame in linear time", () => {
    const queues = Array.from({ length: 20000 }, (_, i) => ({ name: `q${i}`, ready: i % 3, inflight: 0, published: i }));
    const started = performance.now();
    const s = reduceOverlay(emptyOverlay(), { type: "queues", queues }, 1);
    expect(Object.keys(s.queues)).toHaveLength(20000);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("collects deploy progress events", () => {
    const s = reduceOverlay(emptyOverlay(), events({ kind: "deploy", object: { kind: "socket", name: "load" }, action: "create", ok: true }), 1);
    expect(s.deploy).toEqual([{ kind: "socket", name: "load", action: "create", ok: true, error: "" }]);
  });

  it("takes the queue monitor's figures per broker queue, one event for many wires", () => {
    const frame = events({ kind: "queues", queues: [
      { name: "a.p", ready: 5, inflight: 1, arrival_rate: 2, completion_rate: 1, state: "ok", max_length: 10 },
      { name: "b.p", ready: 0, inflight: 0 },
      { ready: 3 },
    ] });
    const s = reduceOverlay(emptyOverlay(), frame, 1);
    expect(Object.keys(s.wires)).toEqual(["a.p", "b.p"]);
    expect(s.wires["a.p"]).toMatchObject({ ready: 5, inflight: 1, arrival: 2, completion: 1, maxLength: 10 });
    const next = reduceOverlay(s, events({ kind: "queues", queues: [{ name: "a.p", ready: 0, inflight: 0 }] }), 2);
    expect(next.wires["a.p"]?.ready).toBe(0);
    expect(next.wires["b.p"]).toBe(s.wires["b.p"]);
  });

  it("keeps the autoscaler's last decision per processor", () => {
    let s = reduceOverlay(emptyOverlay(), events({ kind: "scale", processor: "p1", from: 1, to: 4, min: 1, max: 8, reason: "backlog 40" }), 1);
    expect(s.scale.p1).toEqual({ current: 4, min: 1, max: 8, reason: "backlog 40" });
    s = reduceOverlay(s, events({ kind: "scale", processor: "p1", to: "x" }), 2);
    expect(s.scale.p1?.current).toBe(4);
  });
});

describe("the counters a flow opens with", () => {
  it("seeds the sockets' counts and moves an open call when its live event comes", () => {
    let s = reduceOverlay(emptyOverlay(), {
      type: "counters",
      sockets: { load: { queued: 1, running: 0, finished: 4, failed: 1, last: "failed" } },
      open: { c9: "queued" },
    }, 1);
    expect(s.sockets.load).toMatchObject({ queued: 1, running: 0, finished: 4, failed: 1, last: "failed" });
    expect(nodeState(s.sockets.load)).toBe("queued");
    s = reduceOverlay(s, events({ kind: "call", socket: "load", state: "finished", id: "c9" }), 2);
    expect(s.sockets.load).toMatchObject({ queued: 0, finished: 5, last: "finished" });
  });

  it("ignores counts it cannot read", () => {
    const s = reduceOverlay(emptyOverlay(), { type: "counters", sockets: { x: "nope" }, open: [] }, 1);
    expect(s.sockets.x).toBeUndefined();
  });
});
