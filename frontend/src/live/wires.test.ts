import { describe, expect, it } from "vitest";
import { band, plugBrokerQueue, wireFrom, wireView, type WireLive } from "./wires";

const wire = (over: Partial<WireLive>): WireLive => ({
  ready: 0, inflight: 0, arrival: 0, completion: 0, oldestAge: null, state: "ok", maxLength: -1, joined: 0, ...over,
});

describe("wires", () => {
  it("colours the fill in NiFi's bands", () => {
    expect([0, 0.6, 0.61, 0.85, 0.86, 1].map(band)).toEqual(["green", "green", "yellow", "yellow", "red", "red"]);
    expect(wireView(wire({ ready: 7, maxLength: 10 }))).toMatchObject({ fill: 0.7, band: "yellow", full: false });
    expect(wireView(wire({ ready: 10, maxLength: 10, state: "full" }))).toMatchObject({ fill: 1, band: "red", full: true });
  });

  it("predicts the time to full from the rates, only while it fills", () => {
    expect(wireView(wire({ ready: 40, maxLength: 100, arrival: 5, completion: 2 })).toFull).toBe(20);
    expect(wireView(wire({ ready: 40, maxLength: 100, arrival: 2, completion: 5 })).toFull).toBeNull();
    expect(wireView(wire({ ready: 40, arrival: 5 })).toFull).toBeNull();
    expect(wireView(wire({ ready: 40, maxLength: 100, arrival: 5, completion: 2 })).detail).toContain("full in 20 s");
  });

  it("labels counts and rates, and an unlimited queue has no fill bar", () => {
    const view = wireView(wire({ ready: 3, inflight: 2, arrival: 12.4, completion: 0.5, oldestAge: 75 }));
    expect(view).toMatchObject({ label: "3 ready · 2 in flight", fill: null, band: "green" });
    expect(view.detail).toBe("12/s in · 0.5/s out · oldest 1 min");
    expect(wireView(wire({})).label).toBe("idle");
  });

  it("says how many runs wait in a join of the target", () => {
    expect(wireView(wire({ joined: 3 })).detail).toBe("0.0/s in · 0.0/s out · 3 waiting in joins");
    expect(wireView(wire({ joined: 0 })).detail).not.toContain("joins");
  });

  it("reads a monitor item defensively", () => {
    expect(wireFrom({ ready: 1 })).toBeNull();
    expect(wireFrom({ name: "q.p", ready: "x", inflight: -3, oldest_age: "old", max_length: 50 })).toEqual([
      "q.p", { ready: 0, inflight: 0, arrival: 0, completion: 0, oldestAge: null, state: "ok", maxLength: 50, joined: 0 },
    ]);
  });
});

describe("the broker queue a wire's messages wait in", () => {
  const target = { socketName: "orders.load", processor: "pipes" };
  const flowId = "3f2a91c7-0000-4000-8000-000000000000";

  it("is the flow's own queue for its socket, named from the socket and the flow (as the deploy names it)", () => {
    expect(plugBrokerQueue("", target, flowId)).toBe("orders.load@3f2a91c7.pipes");
  });

  it("is the plug's own queue when it names one, for the target's processor", () => {
    expect(plugBrokerQueue("buffer", target, flowId)).toBe("buffer.pipes");
  });

  it("is a shared socket's queue where it lives, and the socket's name without a flow", () => {
    expect(plugBrokerQueue("", { ...target, shared: true }, flowId, "orders.load@0badf00d")).toBe("orders.load@0badf00d.pipes");
    expect(plugBrokerQueue("", target)).toBe("orders.load.pipes");
  });
});
