/** The latest snapshot events (nodes, queues, header counters) among a batch of live events. */
import type { BrokerHealth, Counts, NodeHealth, QueueDepth } from "../api/dashboard";
import type { LiveEvent } from "./feed";

export type Snapshots = {
  nodes: NodeHealth[] | null;
  queues: QueueDepth[] | null;
  counts: Counts | null;
  broker: BrokerHealth | null;
};

function latestByName<T>(events: readonly LiveEvent[], kind: string): T[] | null {
  const found = new Map<string, T>();
  for (const event of events) if (event.kind === kind && typeof event.name === "string") found.set(event.name, event as unknown as T);
  return found.size ? [...found.values()] : null;
}

export function snapshotsOf(events: readonly LiveEvent[]): Snapshots {
  let counts: Counts | null = null;
  let broker: BrokerHealth | null = null;
  for (const event of events) {
    if (event.kind === "counters") counts = event as unknown as Counts;
    if (event.kind === "broker") broker = event as unknown as BrokerHealth;
  }
  const queues = latestByName<QueueDepth>(events, "queue");
  return { nodes: latestByName<NodeHealth>(events, "node"), queues, counts, broker };
}
