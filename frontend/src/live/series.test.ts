import { describe, expect, it } from "vitest";
import { metricsApply, queuesApply, throughputApply, throughputFromStats, throughputPlot } from "./series";

const done = (processor: string, state: string, ms: number, at = "1970-01-01T00:01:05Z") => ({ kind: "call", processor, state, duration_ms: ms, at });

describe("throughput", () => {
  it("adds live finished and failed calls to their bucket with exact percentiles", () => {
    let s = throughputFromStats({ bucket: 10, since: "", until: "", series: [] });
    const events = Array.from({ length: 20 }, (_, i) => done("p1", i < 2 ? "failed" : "finished", i + 1));
    s = throughputApply(s, [...events, { kind: "call", processor: "p1", state: "running" }], 0);
    expect(s.processors.p1?.[60]).toMatchObject({ calls: 20, failures: 2, p50: 10, p95: 19 });
  });

  it("keeps the server's figures and plots a value per bucket", () => {
    let s = throughputFromStats({
      bucket: 10, since: "", until: "",
      series: [{ processor: "p1", socket: "", points: [{ t: 50, calls: 4, rate: 0.4, failures: 1, p50: 3, p95: 9 }] }, { processor: "p1", socket: "s", points: [] }],
    });
    s = throughputApply(s, [done("p1", "finished", 100, "1970-01-01T00:00:55Z")], 0);
    expect(s.processors.p1?.[50]).toMatchObject({ calls: 5, p95: 9 });
    const plot = throughputPlot(s, (b, bucket) => b.calls / bucket, 70, 30);
    expect(plot.x).toEqual([40, 50, 60, 70]);
    expect(plot.series).toEqual([{ label: "p1", values: [0, 0.5, 0, 0] }]);
  });
});

describe("metrics and queues", () => {
  it("appends metric samples and queue depths to their series", () => {
    const m = metricsApply({}, [{ kind: "metric", processor: "p", name: "temp", value: 3, at: "1970-01-01T00:00:10Z" }], 0);
    expect(m["p/temp"]).toEqual([[10, 3]]);
    const q = queuesApply({}, [{ name: "q1", ready: 4, inflight: 0, consumers: 1 }], 99);
    expect(q.q1).toEqual([[99, 4]]);
  });
});
