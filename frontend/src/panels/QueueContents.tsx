import { useId, useState, type FormEvent } from "react";
import { api } from "../api/client";
import { errorMessage } from "../api/http";
import type { QueueMessages } from "../api/types";

const age = (seconds: number | null) => (seconds === null ? "" : seconds < 60 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`);

/** What waits on a wire's broker queue (peek, read in place), and emptying it after the
 * user types the queue's name. Needs READ_QUEUE to look and UPDATE_QUEUE to empty. */
export function QueueContents({ broker }: { broker: string }) {
  const [contents, setContents] = useState<QueueMessages | null>(null);
  const [error, setError] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState("");
  const [done, setDone] = useState("");
  const confirmId = useId();

  async function peek() {
    setError("");
    try {
      setContents(await api.queues.peek(broker));
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  async function purge(event: FormEvent) {
    event.preventDefault();
    setError("");
    try {
      const purged = await api.queues.purge(broker, typed);
      setDone(`Emptied ${purged.name}: ${purged.purged} messages removed, ${purged.cancelled} calls cancelled.`);
      setConfirming(false);
      setTyped("");
      await peek();
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  return (
    <section className="queue-contents" aria-label={`Messages waiting on ${broker}`}>
      <h4>Waiting messages</h4>
      <div className="buttons">
        <button type="button" className="small" onClick={() => void peek()}>
          Peek
        </button>
        <button type="button" className="small danger" onClick={() => (setConfirming((open) => !open), setDone(""))} aria-expanded={confirming}>
          Empty queue…
        </button>
      </div>
      {confirming && (
        <form onSubmit={(event) => void purge(event)}>
          <label htmlFor={confirmId}>
            Type <code>{broker}</code> to remove every waiting message and cancel their calls
          </label>
          <input id={confirmId} value={typed} autoComplete="off" onChange={(event) => setTyped(event.target.value)} />
          <button type="submit" className="small danger" disabled={typed !== broker}>
            Empty {broker}
          </button>
        </form>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {done && <p className="ok">{done}</p>}
      {contents && (
        <>
          <p className="muted">
            {contents.ready} waiting{contents.source === "calls" ? " (RabbitMQ: listed from the queued calls)" : ""}
          </p>
          <ol className="waiting-messages">
            {contents.messages.map((m) => (
              <li key={`${m.position}-${m.call ?? ""}`} title={m.arguments ?? undefined}>
                {m.name ?? "unknown message"} {m.call ? <code>{m.call.slice(0, 8)}</code> : null} <span className="muted">{age(m.age)}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
