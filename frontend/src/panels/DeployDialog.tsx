import { useEffect, useId, useState } from "react";
import { api } from "../api/client";
import { errorMessage } from "../api/http";
import type { DeployObject, Version } from "../api/types";
import { overlayStore, useOverlay } from "../live/overlay";
import { designerStore, useDesigner } from "../store/designer";
import { selectUnsaved } from "../store/selectors";
import { Dialog } from "./Dialog";

type Phase = { kind: "choosing" } | { kind: "deploying"; number: number } | { kind: "done"; number: number; objects: DeployObject[] } | { kind: "failed"; message: string };

function ObjectTable({ objects }: { objects: DeployObject[] }) {
  return (
    <table className="deploy-objects">
      <thead>
        <tr>
          <th scope="col">Object</th>
          <th scope="col">Action</th>
          <th scope="col">Result</th>
        </tr>
      </thead>
      <tbody>
        {objects.map((object, i) => (
          <tr key={`${object.kind}:${object.name}:${i}`} className={object.ok ? undefined : "failed"}>
            <td>
              {object.kind} <strong>{object.name}</strong>
            </td>
            <td>{object.detail ? `${object.action} · ${object.detail}` : object.action}</td>
            <td>{object.ok ? "✓ done" : <span className="error">✗ {object.error ?? "failed"}</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Makes the network match a saved version, showing each object's progress and error. */
export function DeployDialog({ onClose }: { onClose: () => void }) {
  const flow = useDesigner((s) => s.flow);
  const dirty = useDesigner(selectUnsaved);
  const [versions, setVersions] = useState<Version[]>([]);
  const [number, setNumber] = useState(0);
  const [phase, setPhase] = useState<Phase>({ kind: "choosing" });
  const live = useOverlay((s) => s.deploy);
  const selectId = useId();

  useEffect(() => {
    if (!flow) return;
    api.versions
      .list(flow.name)
      .then((found) => {
        setVersions(found);
        setNumber(found[0]?.number ?? 0);
      })
      .catch((error: unknown) => setPhase({ kind: "failed", message: errorMessage(error) }));
  }, [flow]);

  async function deploy() {
    if (!flow || !number) return;
    overlayStore.getState().clearDeploy();
    setPhase({ kind: "deploying", number });
    try {
      const result = await api.flows.deploy(flow.id, number);
      setPhase({ kind: "done", number, objects: result.objects });
      const fresh = await api.flows.byName(flow.name);
      if (fresh) designerStore.getState().setFlow(fresh);
    } catch (error) {
      setPhase({ kind: "failed", message: `Deploying version ${number} failed: ${errorMessage(error)}` });
    }
  }

  const failures = phase.kind === "done" ? phase.objects.filter((o) => !o.ok).length : 0;
  return (
    <Dialog title="Deploy" onClose={onClose} wide>
      {dirty && <p className="warning">The draft has unsaved changes; only saved versions deploy. Save first to deploy them.</p>}
      {versions.length === 0 && phase.kind === "choosing" && <p className="muted">Save a version first: there is nothing to deploy.</p>}
      <div className="field">
        <label htmlFor={selectId}>Version</label>
        <select id={selectId} value={number} disabled={phase.kind === "deploying"} onChange={(event) => setNumber(Number(event.target.value))}>
          {versions.map((v) => (
            <option key={v.id} value={v.number}>
              v{v.number} {v.message ? `— ${v.message}` : ""}
            </option>
          ))}
        </select>
      </div>
      <div className="buttons">
        <button type="button" className="primary" disabled={!number || phase.kind === "deploying"} onClick={() => void deploy()}>
          {phase.kind === "deploying" ? `Deploying v${phase.number}…` : `Deploy v${number || ""}`}
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <div aria-live="polite">
        {phase.kind === "deploying" && (
          <>
            <progress aria-label="Deploying" />
            {live.length > 0 && <ObjectTable objects={live.map((e) => ({ kind: e.kind, name: e.name, action: e.action as DeployObject["action"], ok: e.ok ?? true, error: e.error || undefined }))} />}
          </>
        )}
        {phase.kind === "failed" && <p className="error">{phase.message}</p>}
        {phase.kind === "done" && (
          <>
            <p className={failures ? "error" : "ok"}>
              {failures ? `Version ${phase.number} deployed with ${failures} failed object${failures > 1 ? "s" : ""}.` : `Version ${phase.number} is deployed.`}
            </p>
            <ObjectTable objects={phase.objects} />
          </>
        )}
      </div>
    </Dialog>
  );
}
