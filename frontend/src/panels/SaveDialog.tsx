import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import { ApiError, errorMessage } from "../api/http";
import { canvasApi } from "../canvas/canvasApi";
import { designerStore } from "../store/designer";
import { toDocument } from "../store/flow";
import { Dialog } from "./Dialog";
import { Field, FormError } from "./Field";

/** Saves the draft as the flow's next immutable version, with a message. */
export function SaveDialog({ onClose }: { onClose: () => void }) {
  const [message, setMessage] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const s = designerStore.getState();
    if (!s.flow) return;
    setBusy(true);
    setError(null);
    const revision = s.revision;
    try {
      const version = await api.versions.create(s.flow.name, message.trim(), toDocument(s.nodes, s.edges, canvasApi()?.getViewport()));
      const now = designerStore.getState();
      now.markSaved(version.number, revision);
      now.versionsChanged();
      now.setNotice({ kind: "info", text: `Saved version ${version.number}.` });
      onClose();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, "client", errorMessage(caught)));
    } finally {
      setBusy(false);
    }
  }

  const documentErrors = error ? [...error.field("document"), ...error.field("flow")] : [];
  return (
    <Dialog title="Save version" onClose={onClose}>
      <form onSubmit={(event) => void submit(event)}>
        <FormError message={error?.message ?? ""} extra={documentErrors} />
        <Field
          label="Message"
          value={message}
          autoFocus
          placeholder="What changed?"
          maxLength={500}
          errors={error?.field("message")}
          onChange={(event) => setMessage(event.target.value)}
        />
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Saving…" : "Save version"}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
