import { useEffect, useState } from "react";
import { brokerQueue, socketQueue } from "../live/wires";
import { useDesigner } from "../store/designer";
import { nodeById } from "../store/selectors";
import { sharedQueue } from "./socketHome";

/** A shared socket's queue where it lives, looked up once; "" until known (or for null). */
function useSharedQueue(socketName: string | null): string {
  const [queue, setQueue] = useState("");
  useEffect(() => {
    if (!socketName) return undefined;
    let current = true;
    void sharedQueue(socketName).then((found) => current && setQueue(found));
    return () => {
      current = false;
    };
  }, [socketName]);
  return socketName ? queue : "";
}

/**
 * Where a plug's messages wait: its queue's name (its own, or else its target socket's) and
 * the broker queue the monitor samples, "<queue>.<processor of the target>". A plug with a
 * queue of its own has its own figures; plugs that name none share their target's. One
 * string from the store (a primitive), so live ticks never re-render a wire for this.
 */
export function useWireQueue(queue: string, target: string): [string, string] {
  const found = useDesigner((s) => {
    const node = nodeById(s.nodes, target);
    if (node?.type !== "socket") return "";
    return [node.data.socketName, node.data.processor, node.data.shared ? "shared" : s.flow?.id ?? ""].join("\n");
  });
  const [socketName = "", processor = "", home = ""] = found.split("\n");
  const shared = home === "shared";
  const lookedUp = useSharedQueue(shared && !queue ? socketName : null);
  if (!processor) return [queue, ""];
  const name = queue || socketQueue({ socketName, processor, shared }, shared ? undefined : home || undefined, lookedUp);
  return [name, brokerQueue(name, processor)];
}
