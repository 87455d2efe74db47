/**
 * Chart data: per-processor throughput, latency and failures (from /api/live/throughput/,
 * then extended by live call events), user metric series, and queue depth history.
 */
import type { LiveEvent } from "./feed";
import type { MetricSeries, QueueDepth, Throughput } from "../api/dashboard";

export type Bucket = { calls: number; failures: number; p50: number | null; p95: number | null; durations: number[] };
export type ThroughputState = { bucket: number; processors: Readonly<Record<string, Readonly<Record<number, Bucket>>>> };

const FINAL: Record<string, boolean> = { finished: true, failed: true };

export function percentile(sorted: readonly number[], fraction: number): number | null {
  if (!sorted.length) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] ?? null;
}

export function throughputFromStats(stats: Throughput): ThroughputState {
  const processors: Record<string, Record<number, Bucket>> = {};
  for (const series of stats.series) {
    if (series.socket) continue;
    const buckets: Record<number, Bucket> = {};
    for (const p of series.points) buckets[p.t] = { calls: p.calls, failures: p.failures, p50: p.p50, p95: p.p95, durations: [] };
    processors[series.processor] = buckets;
  }
  return { bucket: stats.bucket, processors };
}

const seconds = (at: unknown, fallback: number): number => {
  const parsed = typeof at === "string" ? Date.parse(at) : NaN;
  return Number.isFinite(parsed) ? parsed / 1000 : fallback;
};

/** Adds finished and failed calls to their processor's bucket. */
export function throughputApply(state: ThroughputState, events: readonly LiveEvent[], now: number): ThroughputState {
  let processors: Record<string, Record<number, Bucket>> | null = null;
  for (const event of events) {
    if (event.kind !== "call" || typeof event.state !== "string" || !FINAL[event.state] || typeof event.processor !== "string") continue;
    processors = processors ?? { ...state.processors };
    const t = Math.floor(seconds(event.at, now) / state.bucket) * state.bucket;
    const buckets = { ...(processors[event.processor] ?? {}) };
    const old = buckets[t] ?? { calls: 0, failures: 0, p50: null, p95: null, durations: [] };
    const durations = typeof event.duration_ms === "number" ? [...old.durations, event.duration_ms].sort((a, b) => a - b) : old.durations;
    const exact = old.calls === old.durations.length; // no REST figures in this bucket: percentiles are exact
    buckets[t] = {
      calls: old.calls + 1,
      failures: old.failures + (event.state === "failed" ? 1 : 0),
      p50: exact ? percentile(durations, 0.5) : old.p50,
      p95: exact ? percentile(durations, 0.95) : old.p95,
      durations,
    };
    processors[event.processor] = buckets;
  }
  return processors ? { ...state, processors } : state;
}

export type Plot = { x: number[]; series: { label: string; values: (number | null)[] }[] };

/** One chart's columns: a value per processor per bucket over the last `span` seconds. */
export function throughputPlot(state: ThroughputState, pick: (b: Bucket, bucket: number) => number | null, now: number, span: number): Plot {
  const start = Math.floor((now - span) / state.bucket) * state.bucket;
  const x: number[] = [];
  for (let t = start; t <= now; t += state.bucket) x.push(t);
  const series = Object.entries(state.processors)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([label, buckets]) => ({ label, values: x.map((t) => (buckets[t] ? pick(buckets[t], state.bucket) : 0)) }));
  return { x, series };
}

export type MetricState = Readonly<Record<string, readonly [number, number][]>>;
const MAX_POINTS = 600;

export function metricsFromSeries(data: MetricSeries): MetricState {
  const out: Record<string, [number, number][]> = {};
  for (const s of data.series) out[`${s.processor}/${s.name}`] = s.points.map((p) => [p.t, p.avg]);
  return out;
}

export function metricsApply(state: MetricState, events: readonly LiveEvent[], now: number): MetricState {
  let out: Record<string, readonly [number, number][]> | null = null;
  for (const e of events) {
    if (e.kind !== "metric" || typeof e.value !== "number" || typeof e.name !== "string") continue;
    out = out ?? { ...state };
    const key = `${String(e.processor)}/${e.name}`;
    out[key] = [...(out[key] ?? []), [seconds(e.at, now), e.value] as [number, number]].slice(-MAX_POINTS);
  }
  return out ?? state;
}

export type QueueHistory = Readonly<Record<string, readonly [number, number][]>>;

export function queuesApply(state: QueueHistory, depths: readonly QueueDepth[], now: number): QueueHistory {
  if (!depths.length) return state;
  const out: Record<string, readonly [number, number][]> = { ...state };
  for (const q of depths) out[q.name] = [...(out[q.name] ?? []), [now, q.ready] as [number, number]].slice(-MAX_POINTS);
  return out;
}
