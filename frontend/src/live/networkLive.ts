/**
 * The Network page (server-rendered) follows node health live: each `node` event of the
 * `nodes` topic (an agent's heartbeat, a node marked down, an agent stopped, and the
 * publisher's health snapshots) updates its row's heartbeat at once; when a node's status
 * changes, or a node the table does not show reports, its badge turns at once and the
 * table (deployments, workers) is fetched again and swapped in. No polling while the
 * socket is open; every FALLBACK_POLL_MS while it is not.
 */
import { liveSectionsStart } from "./liveSections";

export const FALLBACK_POLL_MS = 5_000;

export type NodeReport = { hostname: string; status: string; age: number | null };

/** The node an event reports on: agents' events name it `node`, snapshots `hostname`. */
export function nodeReport(value: unknown): NodeReport | null {
  const event = value as Record<string, unknown> | null;
  if (typeof event !== "object" || event === null || event.kind !== "node") return null;
  const hostname = typeof event.hostname === "string" ? event.hostname : event.node;
  if (typeof hostname !== "string" || typeof event.status !== "string") return null;
  const age = typeof event.age === "number" ? event.age : event.event === "heartbeat" ? 0 : null;
  return { hostname, status: event.status, age };
}

const rowOf = (doc: Document, hostname: string) =>
  [...doc.querySelectorAll<HTMLElement>("tr[data-node]")].find((row) => row.dataset.node === hostname) ?? null;

/** Show `report` on its row; whether the table must be fetched again (a new node or a new status). */
export function reportApply(doc: Document, report: NodeReport): boolean {
  const row = rowOf(doc, report.hostname);
  if (!row) return true;
  const heartbeat = row.querySelector<HTMLElement>("[data-field=heartbeat]");
  if (heartbeat && report.age !== null) heartbeat.textContent = `heartbeat ${Math.round(report.age)} s ago`;
  if (row.dataset.status === report.status) return false;
  row.dataset.status = report.status;
  const badge = row.querySelector<HTMLElement>("[data-field=health]");
  if (badge) {
    badge.className = `badge status-${report.status === "up" ? "up" : "down"}`;
    badge.textContent = report.status === "up" ? "healthy" : report.status;
  }
  return true;
}

export function networkLiveStart(doc: Document): () => void {
  const topic = doc.querySelector<HTMLElement>("[data-nodes-topic]")?.dataset.nodesTopic;
  if (!topic) return () => undefined;
  return liveSectionsStart(doc, {
    topic,
    pollMs: FALLBACK_POLL_MS,
    pollWhile: () => true,
    // Every report is applied (no short cut): each row shows its own news at once.
    onEvents: (events) => events.map(nodeReport).filter((r): r is NodeReport => r !== null)
      .map((report) => reportApply(doc, report)).some(Boolean),
  });
}
