import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LiveFrame, LiveState } from "../api/live";
import type { MountEvent, Processor, Task } from "../api/types";

const server = vi.hoisted(() => ({ processors: [] as unknown[], tasks: [] as unknown[], lists: 0 }));
const sockets = vi.hoisted(() => [] as { topics: string[]; frame: (f: LiveFrame) => void; state: (s: LiveState) => void }[]);

vi.mock("../api/client", () => ({
  api: {
    processors: { list: async () => ({ results: server.processors }) },
    tasks: {
      list: async () => {
        server.lists += 1;
        return { results: server.tasks };
      },
    },
  },
}));

vi.mock("../api/live", () => ({
  liveUrl: () => "ws://test/ws/",
  LiveSocket: class {
    entry = { topics: [] as string[], frame: (_: LiveFrame) => undefined, state: (_: LiveState) => undefined };
    constructor() {
      sockets.push(this.entry);
    }
    subscribe(topic: string) {
      this.entry.topics.push(topic);
      return () => undefined;
    }
    onFrame(listener: (f: LiveFrame) => void) {
      this.entry.frame = listener as never;
      return () => undefined;
    }
    onState(listener: (s: LiveState) => void) {
      this.entry.state = listener as never;
      return () => undefined;
    }
    start() {}
    stop() {}
  },
}));

const { catalogFollow, catalogNow, catalogReset, reloadCatalog, FALLBACK_POLL_MS } = await import("./catalog");

const proc = (status: Processor["mount_status"]): Processor =>
  ({ id: "p1", name: "pipes", gitrepo: "file:///r", branch: "", commit: "", module: "m", mount_status: status, mount_log: "" }) as Processor;
const task: Task = { id: "t1", name: "do_something", processor: "pipes", module: "m", docstring: "", accepts_plugs: false, accepts_output: false, returns: "" };
const mount = (event: MountEvent["event"], extra: Partial<MountEvent> = {}): MountEvent => ({
  kind: "mount", event, processor: "pipes", processor_id: "p1",
  status: event === "stage" ? "mounting" : (event as MountEvent["status"]), ...extra,
});
const frame = (...events: MountEvent[]): LiveFrame => ({ type: "events", events, topics: {} });
const first = () => {
  const socket = sockets[0];
  if (!socket) throw new Error("the catalog opened no socket");
  return socket;
};
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  catalogReset();
  sockets.length = 0;
  server.processors = [proc("queued")];
  server.tasks = [];
  server.lists = 0;
});
afterEach(() => vi.useRealTimers());

describe("the catalog follows mount events", () => {
  it("shows each step live and reloads the functions when the mount is ready", async () => {
    const release = catalogFollow();
    await reloadCatalog();
    const live = first();
    expect(live.topics).toEqual(["processors"]);
    live.state("open");
    live.frame(frame(mount("mounting"), mount("stage", { stage: "cloning" }), mount("stage", { stage: "environment" })));
    expect(catalogNow().processors.at(0)?.mount_status).toBe("mounting");
    expect(catalogNow().mounts.pipes?.stages).toEqual(["cloning", "environment"]);
    expect(catalogNow().tasks).toEqual([]);

    server.processors = [proc("ready")];
    server.tasks = [task];
    const before = server.lists;
    live.frame(frame(mount("stage", { stage: "installing" }), mount("stage", { stage: "introspecting" }), mount("ready", { functions: 1 })));
    await settle();
    expect(server.lists).toBe(before + 1);
    expect(catalogNow().tasks.map((t) => t.name)).toEqual(["do_something"]);
    expect(catalogNow().processors.at(0)?.mount_status).toBe("ready");
    expect(catalogNow().mounts.pipes).toMatchObject({ status: "ready", functions: 1, stages: ["cloning", "environment", "installing", "introspecting"] });
    release();
  });

  it("keeps the log of a failed mount and starts over when it is queued again", async () => {
    catalogFollow();
    await reloadCatalog();
    const live = first();
    live.state("open");
    live.frame(frame(mount("mounting"), mount("stage", { stage: "introspecting" }), mount("failed", { log: "introspect failed: no module m" })));
    expect(catalogNow().processors.at(0)).toMatchObject({ mount_status: "failed", mount_log: "introspect failed: no module m" });
    expect(catalogNow().mounts.pipes?.log).toContain("no module m");
    live.frame(frame(mount("queued")));
    expect(catalogNow().mounts.pipes).toEqual({ status: "queued", stages: [] });
  });

  it("polls slowly only while the socket is down and a mount runs", async () => {
    vi.useFakeTimers();
    catalogFollow();
    await reloadCatalog();
    const live = first();
    live.state("open");
    const loaded = server.lists;
    await vi.advanceTimersByTimeAsync(FALLBACK_POLL_MS * 3);
    expect(server.lists).toBe(loaded); // the socket is up: no poll
    live.state("closed");
    await vi.advanceTimersByTimeAsync(FALLBACK_POLL_MS + 1);
    expect(server.lists).toBe(loaded + 1);
    live.state("open"); // back: one reload for what passed meanwhile, then no more polling
    await vi.advanceTimersByTimeAsync(FALLBACK_POLL_MS * 3);
    expect(server.lists).toBe(loaded + 2);
  });

  it("learns of a processor someone else created from its first event", async () => {
    server.processors = [];
    catalogFollow();
    await reloadCatalog();
    server.processors = [proc("queued")];
    first().frame(frame(mount("queued")));
    await settle();
    expect(catalogNow().processors.map((p) => p.name)).toEqual(["pipes"]);
  });
});
