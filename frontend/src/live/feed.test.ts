import { describe, expect, it } from "vitest";
import { emptyFeed, feedApply, feedResync, feedSubscribed } from "./feed";

const frame = (topic: string, total: number, count: number, events: object[], gaps?: object[]) => ({
  type: "events",
  frame: 1,
  events,
  topics: { [topic]: { seq: 1, total, count } },
  ...(gaps ? { gaps } : {}),
});
const ev = (n: number) => ({ kind: "call", sid: `${n}-0`, call: `c${n}` });

describe("feedApply", () => {
  it("coalesces several frames into one list, each event once", () => {
    let s = feedSubscribed(emptyFeed(), { type: "subscribed", topic: "calls:all", total: 0 });
    const frames = [frame("calls:all", 2, 2, [ev(1), ev(2)]), frame("calls:all", 4, 2, [ev(2), ev(3), ev(4)])];
    const { state, events } = feedApply(s, frames);
    s = state;
    expect(events.map((e) => e.call)).toEqual(["c1", "c2", "c3", "c4"]);
    expect(s).toMatchObject({ frames: 2, received: 4, missed: 0, lastGap: null });
    expect(s.totals["calls:all"]).toBe(4);
  });

  it("detects a gap from the totals and keeps the server's reason", () => {
    let s = feedSubscribed(emptyFeed(), { type: "subscribed", topic: "run:r", total: 10 });
    s = feedApply(s, [frame("run:r", 12, 2, [ev(1), ev(2)])]).state;
    s = feedApply(s, [frame("run:r", 20, 3, [ev(3)], [{ topic: "run:r", missed: 5, reason: "slow" }])]).state;
    expect(s.missed).toBe(5);
    expect(s.lastGap).toEqual({ topic: "run:r", missed: 5, reason: "slow" });
  });

  it("counts events missed while disconnected", () => {
    let s = feedApply(emptyFeed(), [frame("calls:all", 3, 3, [ev(1), ev(2), ev(3)])]).state;
    s = feedSubscribed(s, { type: "subscribed", topic: "calls:all", total: 9 });
    s = feedApply(s, [frame("calls:all", 10, 1, [ev(10)])]).state;
    expect(s.missed).toBe(6);
    expect(s.lastGap?.reason).toBe("disconnected");
  });

  it("claims no gap for the first frame of a topic or an overlap", () => {
    let s = feedApply(emptyFeed(), [frame("nodes", 50, 1, [ev(1)])]).state;
    s = feedSubscribed(s, { type: "subscribed", topic: "calls:all", total: 7 });
    s = feedApply(s, [frame("calls:all", 7, 2, [ev(2), ev(3)])]).state;
    expect(s.missed).toBe(0);
  });

  it("ignores frames that are not events", () => {
    const s = emptyFeed();
    const { state, events } = feedApply(s, [{ type: "pong" }, null, { type: "events" }]);
    expect(events).toEqual([]);
    expect(state.frames).toBe(0);
  });
});

describe("a resubscription with after", () => {
  it("takes the server's total as the baseline (the replay fills the gap) and counts a resync", () => {
    let s = feedSubscribed(emptyFeed(), { type: "subscribed", topic: "calls:all", total: 4 });
    s = feedSubscribed(s, { type: "subscribed", topic: "calls:all", total: 9 });
    expect(s.totals["calls:all"]).toBe(4); // a plain resubscription: the jump will show as a gap
    s = feedSubscribed(s, { type: "subscribed", topic: "calls:all", total: 9, replayed: 5 });
    expect(s.totals["calls:all"]).toBe(9);
    s = feedResync(s, { type: "resync", topic: "calls:all", message: "reload" });
    expect(s.resyncs).toBe(1);
  });
});
