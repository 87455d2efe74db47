import { describe, expect, it } from "vitest";
import type { Flow, Socket } from "../api/types";
import { describeHome, sharedQueue } from "../canvas/socketHome";
import { createDesignerStore } from "./designer";
import { defaultSocketName } from "./editing";
import { exportDocument, importDocument } from "./io";
import { doc, socket } from "./testing";

const spec = { processor: "p", module: "m", task: "do_something", arguments: [] };
const flow = (name: string): Flow => ({ id: `id-${name}`, name, description: "", deployed_version: null });

describe("a dropped function's socket name", () => {
  it("is prefixed with the open flow's name, so two flows never share a socket by default", () => {
    const names = ["first", "second"].map((name) => {
      const store = createDesignerStore();
      store.getState().setFlow(flow(name));
      store.getState().addSocketNode(spec, { x: 0, y: 0 });
      const node = store.getState().nodes.at(-1);
      return node?.type === "socket" ? node.data.socketName : "";
    });
    expect(names).toEqual(["first.do_something", "second.do_something"]);
  });

  it("stays a valid socket name for any flow name", () => {
    expect(defaultSocketName("f", "a:b  c")).toBe("a-b c.f");
    expect(defaultSocketName("f")).toBe("f");
  });
});

describe("a shared socket node", () => {
  it("keeps shared: true through export and import, and nothing for own sockets", () => {
    const shared = socket("a");
    shared.data.shared = true;
    const result = importDocument(exportDocument(doc([shared, socket("b")], [])));
    if (!result.ok) throw new Error(result.errors.join("\n"));
    const [first, second] = result.document.nodes;
    expect(first?.type === "socket" && first.data.shared).toBe(true);
    expect(second && "shared" in second.data).toBe(false);
  });

  it("says where its socket lives", async () => {
    const made = (flow_key: string) => ({ name: "s", flow_key }) as Socket;
    const lookup = (found: Socket | null) => ({ socket: async () => found, flow: async (id: string) => flow(id.replace("id-", "")) });
    expect(await describeHome("s", lookup(made("id-first")))).toBe("lives in flow first");
    expect(await describeHome("s", lookup(made("")))).toBe("lives outside any flow");
    expect(await describeHome("s", lookup(null))).toMatch(/^not on the network yet/);
  });

  it("waits in the queue of the socket where it lives, asked again while it is not deployed", async () => {
    let deployed: Socket | null = null;
    const lookup = { socket: async () => deployed };
    expect(await sharedQueue("s-queue", lookup)).toBe("");
    deployed = { name: "s-queue", queue: "s-queue@3f2a91c7" } as Socket;
    expect(await sharedQueue("s-queue", lookup)).toBe("s-queue@3f2a91c7");
  });
});
