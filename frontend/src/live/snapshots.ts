/** The latest snapshot events (nodes, queues, header counters) among a batch of live events. */
import type { Counts, NodeHealth, QueueDepth } from "../api/dashboard";
import type { LiveEvent } from "./feed";

export type Snapshots = { nodes: NodeHealth[] | null; queues: QueueDepth[] | null; counts: Counts | null };

function latestByName<T>(events: readonly LiveEvent[], kind: string): T[] | null {
  const found = new Map<string, T>();
  for (const event of events) if (event.kind === kind && typeof event.name === "string") found.set(event.name, event as unknown as T);
  return found.size ? [...found.values()] : null;
}

export function snapshotsOf(events: readonly LiveEvent[]): Snapshots {
  let counts: Counts | null = null;
  for (const event of events) if (event.kind === "counters") counts = event as unknown as Counts;
  return { nodes: latestByName<NodeHealth>(events, "node"), queues: latestByName<QueueDepth>(events, "queue"), counts };
}
