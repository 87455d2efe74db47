import { useState } from "react";
import { api } from "../api/client";
import { errorMessage } from "../api/http";
import type { Processor } from "../api/types";
import { processorPut, useCatalog } from "./catalog";
import { STAGE_LABELS, STATUS_LABELS, type MountProgress } from "./mountProgress";

function MountSteps({ progress }: { progress: MountProgress }) {
  const running = progress.status === "mounting";
  return (
    <ol className="mount-steps">
      {progress.stages.map((stage, index) => {
        const current = running && index === progress.stages.length - 1;
        return (
          <li key={stage} className={current ? "mount-step-current" : "mount-step-done"}>
            {current ? "… " : "✓ "}
            {STAGE_LABELS[stage]}
          </li>
        );
      })}
    </ol>
  );
}

function MountButton({ processor }: { processor: Processor }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  async function mount() {
    setBusy(true);
    setError("");
    try {
      processorPut(await api.processors.mount(processor.id));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <button type="button" className="small" disabled={busy} onClick={() => void mount()}>
        {processor.mount_status === "failed" ? "Mount again" : "Mount"}
      </button>
      {error && <p className="error" role="alert">{error}</p>}
    </>
  );
}

function MountItem({ processor, progress }: { processor: Processor; progress?: MountProgress }) {
  const status = processor.mount_status;
  const ready = status === "ready";
  return (
    <li aria-label={`Mount of ${processor.name}`}>
      <strong>{processor.name}</strong> <span className={`mount-${status}`}>{STATUS_LABELS[status]}</span>
      {ready && progress?.functions !== undefined && <span>: {progress.functions === 1 ? "1 function" : `${progress.functions} functions`}</span>}
      {progress && progress.stages.length > 0 && <MountSteps progress={progress} />}
      {status === "failed" && (
        <details open>
          <summary>Mount log</summary>
          <pre>{processor.mount_log || "(no log)"}</pre>
        </details>
      )}
      {(status === "failed" || status === "none") && <MountButton processor={processor} />}
    </li>
  );
}

/** Processors not mounted yet, and the mounts watched live since the page opened. */
export function MountStatusList() {
  const { processors, mounts } = useCatalog();
  const shown = processors.filter((p) => p.mount_status !== "ready" || mounts[p.name]);
  if (shown.length === 0) return null;
  return (
    <ul className="mount-list" aria-label="Mounts">
      {shown.map((p) => (
        <MountItem key={p.id} processor={p} progress={mounts[p.name]} />
      ))}
    </ul>
  );
}
