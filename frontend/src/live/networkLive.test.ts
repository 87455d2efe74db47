import { describe, expect, it } from "vitest";
import { nodeReport, reportApply } from "./networkLive";
import { isProcessorEvent, isSocketEvent } from "./mountBadges";

const table = () => {
  document.body.innerHTML = `<table><tr data-node="n1" data-status="up"><td>n1</td>
    <td><span class="badge status-up" data-field="health">healthy</span><small data-field="heartbeat">heartbeat 4 s ago</small></td></tr></table>`;
  return document.querySelector<HTMLElement>("tr[data-node=n1]")!;
};

describe("the Network page's live rows", () => {
  it("read agents' events and the publisher's snapshots alike", () => {
    expect(nodeReport({ kind: "node", event: "heartbeat", node: "n1", status: "up", cpuload: 3 })).toEqual({ hostname: "n1", status: "up", age: 0 });
    expect(nodeReport({ kind: "node", name: "n1", hostname: "n1", status: "down", age: 31.6 })).toEqual({ hostname: "n1", status: "down", age: 31.6 });
    expect(nodeReport({ kind: "node", event: "down", node: "n1", status: "down", agent: "down" })?.age).toBeNull();
    expect(nodeReport({ kind: "call", node: "n1", status: "up" })).toBeNull();
  });

  it("turn a node red at once and ask for the table when its status changes", () => {
    const row = table();
    expect(reportApply(document, { hostname: "n1", status: "down", age: null })).toBe(true);
    const badge = row.querySelector("[data-field=health]")!;
    expect([badge.className, badge.textContent, row.dataset.status]).toEqual(["badge status-down", "down", "down"]);
    expect(row.querySelector("[data-field=heartbeat]")!.textContent).toBe("heartbeat 4 s ago");
  });

  it("only refresh the heartbeat of a node whose status holds, and ask for the table for a new node", () => {
    const row = table();
    expect(reportApply(document, { hostname: "n1", status: "up", age: 0 })).toBe(false);
    expect(row.querySelector("[data-field=heartbeat]")!.textContent).toBe("heartbeat 0 s ago");
    expect(reportApply(document, { hostname: "n2", status: "up", age: 0 })).toBe(true);
  });
});

describe("the processors pages' live parts", () => {
  it("follow socket and processor status events", () => {
    expect(isSocketEvent({ kind: "socket", event: "created", socket: "s1", processor: "p" })).toBe(true);
    expect(isSocketEvent({ kind: "mount", socket: "s1" })).toBe(false);
    expect(isProcessorEvent({ kind: "processor", processor: "p", status: "running" })).toBe(true);
    expect(isProcessorEvent({ kind: "processor" })).toBe(false);
  });
});
