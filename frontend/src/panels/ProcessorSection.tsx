import { useEffect, useState, type FormEvent } from "react";
import { api } from "../api/client";
import { ApiError, errorMessage } from "../api/http";
import type { Processor, ProcessorSettings } from "../api/types";
import { useDesigner } from "../store/designer";
import { Field, FormError } from "./Field";

type Draft = Record<keyof ProcessorSettings, string>;
const KEYS: { key: keyof ProcessorSettings; label: string; numeric?: boolean }[] = [
  { key: "concurrency", label: "Processor concurrency", numeric: true },
  { key: "hostname", label: "Processor host" },
  { key: "retries", label: "Processor retries", numeric: true },
  { key: "timelimit", label: "Processor time limit (s)", numeric: true },
  { key: "ratelimit", label: "Processor rate limit" },
];

const toDraft = (p: Processor): Draft => ({
  concurrency: String(p.concurrency),
  hostname: p.hostname,
  retries: String(p.retries),
  timelimit: p.timelimit === null ? "" : String(p.timelimit),
  ratelimit: p.ratelimit,
});

function toPatch(draft: Draft): Partial<ProcessorSettings> {
  return {
    concurrency: Number(draft.concurrency),
    hostname: draft.hostname.trim(),
    retries: Number(draft.retries),
    timelimit: draft.timelimit.trim() ? Number(draft.timelimit) : null,
    ratelimit: draft.ratelimit.trim(),
  };
}

/** The processor behind a socket: where its code comes from, and its defaults, saved through the API. */
export function ProcessorSection({ name }: { name: string }) {
  const readOnly = useDesigner((s) => s.readOnly);
  const [processor, setProcessor] = useState<Processor | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [loadError, setLoadError] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    let live = true;
    setProcessor(null);
    setLoadError("");
    api.processors
      .byName(name)
      .then((found) => {
        if (!live) return;
        setProcessor(found);
        setDraft(found ? toDraft(found) : null);
        if (!found) setLoadError(`There is no processor called ${name}.`);
      })
      .catch((caught: unknown) => live && setLoadError(errorMessage(caught)));
    return () => {
      live = false;
    };
  }, [name]);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!processor || !draft) return;
    setError(null);
    setSaved(false);
    try {
      const updated = await api.processors.update(processor.id, toPatch(draft));
      setProcessor(updated);
      setDraft(toDraft(updated));
      setSaved(true);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, "client", errorMessage(caught)));
    }
  }

  return (
    <details className="properties-processor">
      <summary>Processor {name}</summary>
      {loadError && <p className="error">{loadError}</p>}
      {processor && draft && (
        <form onSubmit={(event) => void save(event)} aria-label={`Processor ${name} settings`}>
          <dl className="facts">
            <dt>Repository</dt>
            <dd>{processor.gitrepo}</dd>
            <dt>Branch / commit</dt>
            <dd>{processor.commit || processor.branch || "default branch"}</dd>
            <dt>Module</dt>
            <dd>{processor.module}</dd>
            <dt>Mount</dt>
            <dd className={`mount-${processor.mount_status}`}>{processor.mount_status}</dd>
            <dt>Status</dt>
            <dd>{processor.status}</dd>
          </dl>
          <FormError message={error?.message ?? ""} />
          {KEYS.map(({ key, label, numeric }) => (
            <Field
              key={key}
              label={label}
              value={draft[key]}
              inputMode={numeric ? "numeric" : "text"}
              disabled={readOnly}
              errors={error?.field(key)}
              onChange={(event) => {
                setSaved(false);
                setDraft({ ...draft, [key]: event.target.value });
              }}
            />
          ))}
          <button type="submit" disabled={readOnly}>
            Save processor
          </button>
          {saved && <span role="status"> Saved.</span>}
        </form>
      )}
    </details>
  );
}
