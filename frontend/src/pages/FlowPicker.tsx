import { useEffect, useState, type FormEvent } from "react";
import { api } from "../api/client";
import { ApiError, errorMessage } from "../api/http";
import type { Flow } from "../api/types";
import { Field, FormError } from "../panels/Field";

/** The flows there are, and a form to start a new one. */
export function FlowPicker({ onOpen }: { onOpen: (name: string) => void }) {
  const [flows, setFlows] = useState<Flow[] | null>(null);
  const [loadError, setLoadError] = useState("");
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.flows
      .list()
      .then((page) => setFlows(page.results))
      .catch((caught: unknown) => setLoadError(errorMessage(caught)));
  }, []);

  async function create(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const flow = await api.flows.create(name.trim(), description.trim());
      onOpen(flow.name);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, "client", errorMessage(caught)));
      setBusy(false);
    }
  }

  return (
    <div className="flow-picker">
      <h1>Flows</h1>
      {loadError && <p className="error">{loadError}</p>}
      {flows === null && !loadError && <p className="muted">Loading flows…</p>}
      {flows?.length === 0 && <p className="empty">No flows yet. Create the first one below.</p>}
      {flows && flows.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              <th scope="col">Deployed version</th>
            </tr>
          </thead>
          <tbody>
            {flows.map((flow) => (
              <tr key={flow.id}>
                <td>
                  <a href={`?flow=${encodeURIComponent(flow.name)}`} onClick={(event) => (event.preventDefault(), onOpen(flow.name))}>
                    {flow.name}
                  </a>
                </td>
                <td>{flow.description}</td>
                <td>{flow.deployed_version === null ? "—" : `v${flow.deployed_version}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="new-flow" onSubmit={(event) => void create(event)} aria-label="New flow">
        <h2>New flow</h2>
        <FormError message={error?.message ?? ""} />
        <Field label="Name" required value={name} errors={error?.field("name")} onChange={(event) => setName(event.target.value)} />
        <Field label="Description" value={description} errors={error?.field("description")} onChange={(event) => setDescription(event.target.value)} />
        <button type="submit" className="primary" disabled={busy || !name.trim()}>
          {busy ? "Creating…" : "Create flow"}
        </button>
      </form>
    </div>
  );
}
