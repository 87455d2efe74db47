import { useState } from "react";
import { api } from "../api/client";
import { ApiError, errorMessage } from "../api/http";
import { findTask } from "./catalog";

/** The function's source, for those with the right to read processor code. */
export function SourceSection({ processor, task }: { processor: string; task: string }) {
  const [source, setSource] = useState<string | null>(null);
  const [message, setMessage] = useState("");
  const [busy, setBusy] = useState(false);

  async function load() {
    setBusy(true);
    setMessage("");
    try {
      const found = findTask(processor, task) ?? (await api.tasks.find(processor, task));
      if (!found) {
        setMessage(`${processor} has no function ${task} any more.`);
        return;
      }
      setSource((await api.tasks.code(found.id)).source);
    } catch (error) {
      setMessage(error instanceof ApiError && error.status === 403 ? `You cannot see this source: ${error.message}` : errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <details
      className="properties-source"
      onToggle={(event) => {
        if ((event.currentTarget as HTMLDetailsElement).open && source === null && !busy) void load();
      }}
    >
      <summary>Source of {task}()</summary>
      {busy && <p className="muted">Loading…</p>}
      {message && <p className="error">{message}</p>}
      {source !== null && <pre className="source">{source}</pre>}
    </details>
  );
}
