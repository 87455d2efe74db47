import type { BrokerHealth, QueueDepth } from "../api/dashboard";

/** The newest depth of each queue (the `queues` topic, from the queue monitor's samples), and
 * whether the broker answers. */
export function QueuesPanel({ queues, broker }: { queues: readonly QueueDepth[]; broker?: BrokerHealth | null }) {
  return (
    <section aria-label="Queue depths">
      <h2>Queues</h2>
      {broker?.state === "unreachable" ? (
        <p className="error" role="alert">
          Broker unreachable{broker.since ? ` since ${broker.since}` : ""}: {broker.message}
        </p>
      ) : null}
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
