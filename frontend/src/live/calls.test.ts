import { describe, expect, it } from "vitest";
import { callsApply, callsFromPage, emptyCalls } from "./calls";

const call = (id: string, state: string, extra: object = {}) => ({
  kind: "call", call: id, state, event: state === "running" ? "prerun" : "postrun", run: "r1",
  socket: "s1", processor: "p1", name: "s1", at: "2030-01-01T00:00:00Z", ...extra,
});

describe("callsApply", () => {
  it("adds new calls at the top and updates known ones in place", () => {
    let s = callsFromPage([{ call: "old", name: "s1", state: "finished", run: "r0", socket: "s1", processor: "p1" }]);
    s = callsApply(s, [call("a", "queued"), call("b", "queued")], {}, true, 50);
    expect(s.ids).toEqual(["b", "a", "old"]);
    s = callsApply(s, [call("a", "running"), call("a", "finished", { duration_ms: 12 })], {}, true, 50);
    expect(s.ids).toEqual(["b", "a", "old"]);
    expect(s.rows.a).toMatchObject({ state: "finished", duration_ms: 12, started: "2030-01-01T00:00:00Z" });
  });

  it("never moves a call's state backwards", () => {
    let s = callsApply(emptyCalls(), [call("a", "finished")], {}, true, 50);
    s = callsApply(s, [call("a", "running")], {}, true, 50);
    expect(s.rows.a?.state).toBe("finished");
  });

  it("adds only calls that match the filter, and none on history pages", () => {
    let s = callsApply(emptyCalls(), [call("a", "queued"), call("b", "queued", { processor: "p2" })], { processor: "p2" }, true, 50);
    expect(s.ids).toEqual(["b"]);
    s = callsApply(emptyCalls(), [call("a", "queued")], {}, false, 50);
    expect(s.ids).toEqual([]);
  });

  it("keeps at most the limit, newest first", () => {
    const s = callsApply(emptyCalls(), ["a", "b", "c"].map((id) => call(id, "queued")), {}, true, 2);
    expect(s.ids).toEqual(["c", "b"]);
    expect(Object.keys(s.rows).sort()).toEqual(["b", "c"]);
  });

  it("returns the same state when nothing applies", () => {
    const s = emptyCalls();
    expect(callsApply(s, [{ kind: "metric", name: "x" }], {}, true, 50)).toBe(s);
  });
});
