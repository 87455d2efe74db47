import { useEffect, useState } from "react";
import { api } from "../api/client";
import { errorMessage } from "../api/http";
import type { SchedulePreview, ScheduleRun } from "../api/types";
import type { SocketSettings } from "../store/document";

/** The browser's IANA time zone (the user's). */
export const userTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

const when = (iso: string, timeZone: string) =>
  new Date(iso).toLocaleString(undefined, { timeZone, dateStyle: "medium", timeStyle: "medium" });

const DECISION: Record<ScheduleRun["decision"], string> = {
  fired: "ran",
  caught_up: "ran for missed",
  skipped: "skipped missed",
  refused: "not run (queue full)",
};

/** The schedule the settings describe, as the API takes it; null when there is none. Interval
 * wins when both are set, as at deploy. */
export function scheduleOf(settings: SocketSettings): { schedule_type: "CRON" | "INTERVAL"; cron: string; interval: number | null } | null {
  if (settings.interval !== null) return { schedule_type: "INTERVAL", cron: "", interval: settings.interval };
  return settings.cron ? { schedule_type: "CRON", cron: settings.cron, interval: null } : null;
}

/** The next five runs of the schedule being edited (not yet saved), in the user's time zone and
 * in UTC, or the server's reason why it is not valid. */
export function NextRuns({ settings }: { settings: SocketSettings }) {
  const schedule = scheduleOf(settings);
  const key = JSON.stringify(schedule);
  const [preview, setPreview] = useState<SchedulePreview | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    setPreview(null);
    setError("");
    const wanted = JSON.parse(key) as ReturnType<typeof scheduleOf>;
    if (!wanted) return undefined;
    const abort = new AbortController();
    api.sockets
      .schedulePreview({ ...wanted, timezone: userTimeZone() }, abort.signal)
      .then(setPreview)
      .catch((caught: unknown) => {
        if (!abort.signal.aborted) setError(errorMessage(caught)); // the server's message names what is wrong
      });
    return () => abort.abort();
  }, [key]);
  if (!schedule) return null;
  return (
    <section aria-label="Next runs" className="next-runs">
      <h5>Next runs</h5>
      {error && (
        <p className="field-errors" role="alert">
          {error}
        </p>
      )}
      {preview && (
        <ol>
          {preview.runs.map((run) => (
            <li key={run.utc}>
              {when(run.local, preview.timezone)} <span className="muted">({preview.timezone}) · {when(run.utc, "UTC")} UTC</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** The deployed socket's last schedule decisions, each run with its outcome. */
export function LastRuns({ socketName }: { socketName: string }) {
  const [runs, setRuns] = useState<ScheduleRun[] | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    let current = true;
    api.sockets
      .byName(socketName)
      .then((socket) => (socket ? api.sockets.scheduleRuns(socket.id) : []))
      .then((found) => current && setRuns(found))
      .catch((caught: unknown) => current && setError(errorMessage(caught)));
    return () => {
      current = false;
    };
  }, [socketName]);
  if (error) return <p className="error">{error}</p>;
  if (!runs || runs.length === 0) return null;
  const zone = userTimeZone();
  return (
    <table className="calls" aria-label="Last scheduled runs">
      <thead>
        <tr>
          <th scope="col">Due</th>
          <th scope="col">Decision</th>
          <th scope="col">Outcome</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr key={run.slot} title={run.note}>
            <td>{when(run.slot, zone)}</td>
            <td>
              {DECISION[run.decision]}
              {run.missed > 1 ? ` (${run.missed})` : ""}
            </td>
            <td className={run.state ? `state-${run.state}` : undefined}>{run.state ?? "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
