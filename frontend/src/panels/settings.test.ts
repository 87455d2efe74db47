import { describe, expect, it } from "vitest";
import { cron, hostname, optionalInt, rateLimit, socketName } from "./settings";

describe("setting checks", () => {
  it("reads optional whole numbers", () => {
    const concurrency = optionalInt(1);
    expect(concurrency("")).toEqual({ ok: true, value: null });
    expect(concurrency(" 4 ")).toEqual({ ok: true, value: 4 });
    expect(concurrency("0")).toEqual({ ok: false, error: "Enter 1 or more." });
    expect(concurrency("2.5")).toEqual({ ok: false, error: "Enter a whole number." });
  });

  it("checks rates, cron, hosts and socket names", () => {
    expect(rateLimit("60/m").ok).toBe(true);
    expect(rateLimit("fast").ok).toBe(false);
    expect(cron("*/5 * * * 1-5")).toEqual({ ok: true, value: "*/5 * * * 1-5" });
    expect(cron("* * *")).toMatchObject({ ok: false, error: expect.stringMatching(/has 3/) });
    expect(hostname("worker-1.local").ok).toBe(true);
    expect(hostname("bad host").ok).toBe(false);
    const name = socketName(() => new Set(["load", "clean"]), "clean");
    expect(name("clean").ok).toBe(true);
    expect(name("load")).toEqual({ ok: false, error: "Another socket is already called load." });
    expect(name(" ").ok).toBe(false);
  });
});
