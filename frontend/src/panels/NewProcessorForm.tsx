import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import { ApiError, errorMessage } from "../api/http";
import type { Processor, ProcessorCreate } from "../api/types";
import { designerStore } from "../store/designer";
import { processorPut } from "./catalog";
import { Field, FormError } from "./Field";

const EMPTY: ProcessorCreate = { name: "", gitrepo: "", branch: "", commit: "", module: "" };
const FIELDS: { key: keyof ProcessorCreate; label: string; required?: boolean; hint?: string }[] = [
  { key: "name", label: "Name", required: true },
  { key: "gitrepo", label: "Repository", required: true, hint: "Git URL, e.g. https://github.com/acme/pipes.git" },
  { key: "branch", label: "Branch", hint: "Leave empty for the default branch" },
  { key: "commit", label: "Commit", hint: "Pin a commit instead of following the branch" },
  { key: "module", label: "Module", required: true, hint: "Python module to introspect, e.g. pipes.tasks" },
];

/** Mounts a processor just created: its steps and then its functions show in the palette as they happen. */
async function mountNow(created: Processor): Promise<void> {
  const notice = designerStore.getState().setNotice;
  try {
    processorPut(await api.processors.mount(created.id));
    notice({ kind: "info", text: `Processor ${created.name} created; mounting it. Its functions appear when it is ready.` });
  } catch (caught) {
    notice({ kind: "error", text: `Processor ${created.name} was created but could not be mounted: ${errorMessage(caught)}` });
  }
}

/** Creates a processor from a repository; the API's messages show next to the fields they concern. */
export function NewProcessorForm({ onDone }: { onDone: () => void }) {
  const [values, setValues] = useState<ProcessorCreate>(EMPTY);
  const [error, setError] = useState<ApiError | null>(null);
  const [message, setMessage] = useState("");
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setMessage("");
    try {
      const created = await api.processors.create(values);
      processorPut(created);
      onDone();
      await mountNow(created);
    } catch (caught) {
      if (caught instanceof ApiError) setError(caught);
      else setMessage(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  const known = new Set<string>(FIELDS.map((f) => f.key));
  const other = error ? Object.entries(error.detail).filter(([key]) => !known.has(key)).flatMap(([key, msgs]) => msgs.map((m) => `${key}: ${m}`)) : [];
  return (
    <form className="new-processor" onSubmit={(event) => void submit(event)} aria-label="New processor">
      <FormError message={error?.message ?? message} extra={other} />
      {FIELDS.map((field) => (
        <Field
          key={field.key}
          label={field.label}
          required={field.required}
          hint={field.hint}
          value={values[field.key]}
          errors={error?.field(field.key)}
          onChange={(event) => setValues({ ...values, [field.key]: event.target.value })}
        />
      ))}
      <div className="buttons">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Creating…" : "Create processor"}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
