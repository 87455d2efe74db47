import type { Counts } from "../api/dashboard";

const LABELS: [keyof Counts, string][] = [
  ["nodes_up", "nodes up"],
  ["processors_running", "processors running"],
  ["calls_running", "calls running"],
  ["failures_last_minute", "failures in the last minute"],
];

/** The dashboard header counters, refreshed by the `counters` topic. */
export function Counters({ counts }: { counts: Counts }) {
  return (
    <section className="counters" aria-label="Counters">
      {LABELS.map(([key, label]) => (
        <div className="counter" key={key} role="group" aria-label={label}>
          <span className="value">{counts[key]}</span>
          <span className="label">{label}</span>
        </div>
      ))}
    </section>
  );
}
