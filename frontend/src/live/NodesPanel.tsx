import type { NodeHealth } from "../api/dashboard";

/** Node health from the agents' heartbeats (the `nodes` topic). */
export function NodesPanel({ nodes }: { nodes: readonly NodeHealth[] }) {
  return (
    <section aria-label="Node health">
      <h2>Nodes</h2>
      {nodes.length ? (
        <table>
          <thead>
            <tr>
              <th>Node</th>
              <th>Health</th>
              <th>Last heartbeat</th>
              <th>CPU</th>
              <th>Memory</th>
              <th>Disk</th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((node) => (
              <tr key={node.name}>
                <td>{node.hostname}</td>
                <td className={node.up ? "state-finished" : "state-failed"}>{node.up ? "up" : "down"}</td>
                <td>{node.age === null ? "never" : `${Math.round(node.age)} s ago`}</td>
                <td>{node.cpuload.toFixed(0)} %</td>
                <td>{node.memused.toFixed(0)} %</td>
                <td>{node.diskusage.toFixed(0)} %</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="empty">No node has reported yet.</p>
      )}
    </section>
  );
}
