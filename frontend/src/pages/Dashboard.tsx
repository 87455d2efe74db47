import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import "../live/live.css";
import * as api from "../api/dashboard";
import { CallDetail } from "../live/CallDetail";
import { CallsTable } from "../live/CallsTable";
import { Chart, pointsPlot } from "../live/Chart";
import { Counters } from "../live/Counters";
import type { LiveEvent } from "../live/feed";
import { LiveNotice } from "../live/LiveNotice";
import { NodesPanel } from "../live/NodesPanel";
import { QueuesPanel } from "../live/QueuesPanel";
import * as series from "../live/series";
import { snapshotsOf } from "../live/snapshots";
import { useCalls } from "../live/useCalls";
import { useLiveFeed } from "../live/useLiveFeed";

const TOPICS = ["calls:all", "metrics", "nodes", "queues", "counters"];
const SPAN = 900;
const ZERO: api.Counts = { nodes_up: 0, processors_running: 0, calls_running: 0, failures_last_minute: 0 };

/** Counters the server rendered into the page (json_script "live-counters"), as the first state. */
function initialCounts(): api.Counts {
  const script = document.getElementById("live-counters");
  try {
    return script?.textContent ? { ...ZERO, ...(JSON.parse(script.textContent) as api.Counts) } : ZERO;
  } catch {
    return ZERO;
  }
}

const ignore = () => undefined;

export function Dashboard() {
  const [counts, setCounts] = useState(initialCounts);
  const [nodes, setNodes] = useState<api.NodeHealth[]>([]);
  const [queues, setQueues] = useState<api.QueueDepth[]>([]);
  const [broker, setBroker] = useState<api.BrokerHealth | null>(null);
  const [queueHistory, setQueueHistory] = useState<series.QueueHistory>({});
  const [throughput, setThroughput] = useState<series.ThroughputState>({ bucket: 10, processors: {} });
  const [metrics, setMetrics] = useState<series.MetricState>({});
  const [open, setOpen] = useState<string | null>(null);
  const [openVersion, setOpenVersion] = useState(0);
  const openRef = useRef(open);
  openRef.current = open;
  const calls = useCalls({}, "", 20);

  useEffect(() => {
    api.throughput(SPAN, 90).then((stats) => setThroughput(series.throughputFromStats(stats)), ignore);
    api.metricSeries().then((data) => setMetrics(series.metricsFromSeries(data)), ignore);
    api.nodes().then((data) => setNodes(data.nodes), ignore);
    api.queues().then((data) => {
      setQueues(data.queues);
      setBroker(data.broker ?? null);
      setQueueHistory((old) => series.queuesApply(old, data.queues, Date.now() / 1000));
    }, ignore);
  }, []);

  const onEvents = useCallback(
    (events: LiveEvent[]) => {
      const now = Date.now() / 1000;
      calls.apply(events);
      setThroughput((old) => series.throughputApply(old, events, now));
      setMetrics((old) => series.metricsApply(old, events, now));
      const snap = snapshotsOf(events);
      if (snap.counts) setCounts(snap.counts);
      if (snap.nodes) setNodes(snap.nodes);
      if (snap.broker) setBroker(snap.broker);
      if (snap.queues) {
        setQueues(snap.queues);
        setQueueHistory((old) => series.queuesApply(old, snap.queues ?? [], now));
      }
      if (openRef.current && events.some((e) => e.call === openRef.current)) setOpenVersion((v) => v + 1);
    },
    [calls.apply],
  );
  const live = useLiveFeed(TOPICS, onEvents);
  const { reload } = calls;
  useEffect(() => {
    if (live.feed.missed > 0 || live.feed.resyncs > 0) reload();
  }, [live.feed.missed, live.feed.resyncs, reload]);

  const tick = Math.floor(Date.now() / 1000 / throughput.bucket);
  const plots = useMemo(() => {
    const now = tick * throughput.bucket;
    return {
      rate: series.throughputPlot(throughput, (b, bucket) => b.calls / bucket, now, SPAN),
      p95: series.throughputPlot(throughput, (b) => b.p95, now, SPAN),
      failures: series.throughputPlot(throughput, (b) => b.failures, now, SPAN),
      queues: pointsPlot(queueHistory),
      metrics: pointsPlot(metrics),
    };
  }, [throughput, queueHistory, metrics, tick]);

  return (
    <div className="dashboard">
      <Counters counts={counts} />
      <LiveNotice state={live.state} feed={live.feed} refused={live.refused} />
      <section className="charts" aria-label="Charts">
        <Chart title="Calls per second, per processor" plot={plots.rate} />
        <Chart title="Latency p95 (ms), per processor" plot={plots.p95} />
        <Chart title="Failures, per processor" plot={plots.failures} />
        <Chart title="Queue depth (ready)" plot={plots.queues} />
        <Chart title="Metrics reported by functions" plot={plots.metrics} />
      </section>
      <div className="panels">
        <NodesPanel nodes={nodes} />
        <QueuesPanel queues={queues} broker={broker} />
      </div>
      <section aria-label="Live calls">
        <h2>Live calls</h2>
        {calls.error ? <p className="error">{calls.error}</p> : null}
        <CallsTable calls={calls.calls} onOpen={setOpen} label="Live calls" />
      </section>
      {open ? <CallDetail id={open} version={openVersion} onClose={() => setOpen(null)} /> : null}
    </div>
  );
}
