import { describe, expect, it } from "vitest";
import { liveUrl, nextDelay } from "./live";

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
