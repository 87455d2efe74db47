/** Where a shared socket lives and its queue, read once per socket name while the designer is open. */
import { api } from "../api/client";
import type { Flow, Socket } from "../api/types";

type Lookup = { socket: (name: string) => Promise<Socket | null>; flow: (id: string) => Promise<Flow> };

const defaultLookup: Lookup = { socket: (name) => api.sockets.byName(name), flow: (id) => api.flows.get(id) };
const known = new Map<string, Promise<string>>();

/** "lives in flow A", "lives outside any flow", or that it is not on the network yet. */
export async function describeHome(name: string, lookup: Lookup = defaultLookup): Promise<string> {
  const socket = await lookup.socket(name);
  if (!socket) return "not on the network yet: deploy the flow it lives in first";
  if (!socket.flow_key) return "lives outside any flow";
  const flow = await lookup.flow(socket.flow_key).catch(() => null);
  return flow ? `lives in flow ${flow.name}` : "lives in another flow";
}

const queues = new Map<string, Promise<string>>();

/** The queue of the socket named `name` where it lives ("" while it is not on the network). */
export function sharedQueue(name: string, lookup: Pick<Lookup, "socket"> = defaultLookup): Promise<string> {
  let queue = queues.get(name);
  if (!queue) {
    queue = lookup.socket(name).then((socket) => socket?.queue ?? "", () => "");
    queue.then((found) => found || queues.delete(name));
    queues.set(name, queue);
  }
  return queue;
}

export function socketHome(name: string): Promise<string> {
  let home = known.get(name);
  if (!home) {
    home = describeHome(name).catch(() => "where it lives is unknown");
    known.set(name, home);
  }
  return home;
}
