/** REST reads of the live dashboards (apps/live/api.py, under /api/live/). */
import { query, request } from "./http";
import type { CallFilter, CallRow } from "../live/calls";

/** A list page; `count_exact` false: `count` is the server's estimate (a big table is not counted). */
export type Page<T> = { count: number; count_exact?: boolean; next: string | null; previous: string | null; results: T[] };
export type StatPoint = { t: number; calls: number; rate: number; failures: number; p50: number | null; p95: number | null };
export type Throughput = { bucket: number; since: string; until: string; series: { processor: string; socket: string; points: StatPoint[] }[] };
export type MetricPoint = { t: number; avg: number; min: number; max: number; count: number };
export type MetricSeries = { bucket: number; series: { processor: string; name: string; points: MetricPoint[] }[] };
export type NodeHealth = { name: string; hostname: string; up: boolean; age: number | null; cpuload: number; memused: number; diskusage: number; loadavg: number };
export type QueueDepth = { name: string; ready: number; inflight: number; consumers: number };
/** Whether the broker answers (apps/engine/monitor/health.py). */
export type BrokerHealth = { state: "ok" | "unreachable" | "unknown"; message: string; since: string | null };
export type Counts = { nodes_up: number; processors_running: number; calls_running: number; failures_last_minute: number };
export type CallEvent = { name: string; note: string; data: Record<string, unknown>; created: string };
export type TreeNode = { id: string; name: string; state: string; socket: string; processor: string; children: TreeNode[] };
export type CallDetail = CallRow & {
  arguments: unknown;
  result: unknown;
  error: string;
  log: string;
  commit: string;
  attempts: number;
  /** The flow version it ran under, e.g. "orders v3"; null: no deployed flow owns its socket. */
  version: string | null;
  events: CallEvent[];
  tree: TreeNode;
};

export const PAGE_ROWS = 25;

/** A keyset page of calls: `cursor` "" for the newest, then a page's `next`/`previous` cursor. */
export function callPage(filter: CallFilter, cursor: string): Promise<Page<CallRow>> {
  return request("GET", `/api/live/calls/${query({ ...filter, cursor, rows: PAGE_ROWS })}`);
}

/** The cursor a page's next or previous link carries (null: no such page). */
export function cursorOf(link: string | null): string | null {
  if (!link) return null;
  return new URL(link, "http://x").searchParams.get("cursor");
}

export function callDetail(id: string): Promise<CallDetail> {
  return request("GET", `/api/live/calls/${encodeURIComponent(id)}/`);
}

export function throughput(window = 900, points = 90): Promise<Throughput> {
  return request("GET", `/api/live/throughput/${query({ window, points })}`);
}

export function metricSeries(window = 3600, points = 120): Promise<MetricSeries> {
  return request("GET", `/api/live/series/${query({ window, points })}`);
}

export function nodes(): Promise<{ nodes: NodeHealth[] }> {
  return request("GET", "/api/live/nodes/");
}

export function queues(): Promise<{ queues: QueueDepth[]; broker?: BrokerHealth }> {
  return request("GET", "/api/live/queues/");
}
