import { useEffect, useState } from "react";
import { api } from "../api/client";
import { errorMessage } from "../api/http";
import type { Call } from "../api/types";
import { useOverlay } from "../live/overlay";

const time = (iso: string | null) => (iso ? new Date(iso).toLocaleTimeString() : "—");

/** The socket's latest calls: from the API, then as they happen over the websocket. */
export function RecentCalls({ socketName }: { socketName: string }) {
  const [calls, setCalls] = useState<Call[] | null>(null);
  const [error, setError] = useState("");
  const live = useOverlay((s) => s.sockets[socketName]?.recent);

  useEffect(() => {
    let current = true;
    setCalls(null);
    setError("");
    api.calls
      .forSocket(socketName)
      .then((found) => current && setCalls(found))
      .catch((caught: unknown) => current && setError(errorMessage(caught)));
    return () => {
      current = false;
    };
  }, [socketName]);

  return (
    <section className="recent-calls" aria-label={`Recent calls of ${socketName}`}>
      <h4>Recent calls</h4>
      {live && live.length > 0 && (
        <ul className="live-calls" aria-label="Live">
          {live.slice(0, 8).map((call, i) => (
            <li key={`${call.id ?? ""}-${call.at}-${i}`}>
              <span className={`state-${call.state}`}>{call.state}</span> {call.id && <code>#{call.id}</code>}{" "}
              <span className="muted">{new Date(call.at).toLocaleTimeString()}</span>
            </li>
          ))}
        </ul>
      )}
      {error && <p className="error">{error}</p>}
      {calls === null && !error && <p className="muted">Loading…</p>}
      {calls?.length === 0 && !live?.length && <p className="muted">No calls yet.</p>}
      {calls && calls.length > 0 && (
        <table className="calls">
          <thead>
            <tr>
              <th scope="col">Call</th>
              <th scope="col">State</th>
              <th scope="col">Started</th>
              <th scope="col">Finished</th>
            </tr>
          </thead>
          <tbody>
            {calls.filter((call) => !live?.some((seen) => seen.id === call.id)).map((call) => (
              <tr key={call.id}>
                <td>#{call.id}</td>
                <td className={`state-${call.state}`}>{call.state}</td>
                <td>{time(call.started)}</td>
                <td>{time(call.finished)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
