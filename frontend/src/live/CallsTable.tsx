import type { CallsState } from "./calls";

const time = (value?: string | null) => (value ? new Date(value).toLocaleTimeString() : "—");
const ms = (value?: number | null) => (typeof value === "number" ? `${value.toFixed(1)} ms` : "—");

/** Calls, newest first; a row's button opens its detail. Rows change in place. */
export function CallsTable({ calls, onOpen, label }: { calls: CallsState; onOpen: (id: string) => void; label: string }) {
  if (!calls.ids.length) return <p className="empty">No calls yet. Calls appear here as they run.</p>;
  return (
    <table aria-label={label} className="live-calls">
      <thead>
        <tr>
          <th>Name</th>
          <th>Processor</th>
          <th>Socket</th>
          <th>State</th>
          <th>Started</th>
          <th>Duration</th>
          <th>Run</th>
        </tr>
      </thead>
      <tbody>
        {calls.ids.map((id) => {
          const row = calls.rows[id];
          if (!row) return null;
          return (
            <tr key={id} data-call={id}>
              <td>
                <button type="button" className="link-button" onClick={() => onOpen(id)} aria-label={`Open call ${id}`}>
                  {row.name}
                </button>
              </td>
              <td>{row.processor}</td>
              <td>{row.socket}</td>
              <td className={`state state-${row.state}`}>{row.state}</td>
              <td>{time(row.started)}</td>
              <td>{ms(row.duration_ms)}</td>
              <td>
                <code>{row.run.slice(0, 8)}</code>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
