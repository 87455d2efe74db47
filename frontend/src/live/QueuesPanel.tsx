import type { QueueDepth } from "../api/dashboard";

/** The newest depth of each queue (the `queues` topic, from the queue monitor's samples). */
export function QueuesPanel({ queues }: { queues: readonly QueueDepth[] }) {
  return (
    <section aria-label="Queue depths">
      <h2>Queues</h2>
      {queues.length ? (
        <table>
          <thead>
            <tr>
              <th>Queue</th>
              <th>Ready</th>
              <th>In flight</th>
              <th>Consumers</th>
            </tr>
          </thead>
          <tbody>
            {queues.map((queue) => (
              <tr key={queue.name}>
                <td>{queue.name}</td>
                <td>{queue.ready}</td>
                <td>{queue.inflight}</td>
                <td>{queue.consumers}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="empty">No queues yet.</p>
      )}
    </section>
  );
}
