import { useId, useState, type FormEvent } from "react";
import { useDesigner } from "../store/designer";
import { nodeById, selectSoleSocketId } from "../store/selectors";
import { CallTree } from "./CallTree";
import { Dialog } from "./Dialog";
import { parseRunInput, runTemplate } from "./runInput";
import { useRun } from "./useRun";

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** Sends a JSON input to the selected socket, then shows the result and the run's call tree. */
export function RunDialog({ onClose }: { onClose: () => void }) {
  const data = useDesigner((s) => {
    const id = selectSoleSocketId(s);
    const node = id ? nodeById(s.nodes, id) : undefined;
    return node?.type === "socket" ? node.data : null;
  });
  const [text, setText] = useState(() => runTemplate(data?.arguments ?? []));
  const { state, run } = useRun();
  const inputId = useId();
  const parsed = parseRunInput(text);
  const busy = state.phase === "starting" || state.phase === "waiting";

  function submit(event: FormEvent) {
    event.preventDefault();
    if (data && parsed.ok) run(data.socketName, parsed.input);
  }

  if (!data) {
    return (
      <Dialog title="Run" onClose={onClose}>
        <p>Select one socket to run it.</p>
      </Dialog>
    );
  }
  return (
    <Dialog title={`Run ${data.socketName}`} onClose={onClose} wide>
      <form onSubmit={submit}>
        <div className="field">
          <label htmlFor={inputId}>Input (JSON)</label>
          <textarea
            id={inputId}
            rows={8}
            className="code"
            spellCheck={false}
            value={text}
            aria-invalid={!parsed.ok || undefined}
            aria-describedby={parsed.ok ? undefined : `${inputId}-error`}
            onChange={(event) => setText(event.target.value)}
          />
          {!parsed.ok && (
            <p id={`${inputId}-error`} className="field-errors" role="alert">
              {parsed.error}
            </p>
          )}
        </div>
        <div className="buttons">
          <button type="submit" className="primary" disabled={!parsed.ok || busy}>
            {busy ? "Running…" : "Run"}
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {state.phase === "starting" && <p className="muted">Sending…</p>}
        {state.phase === "waiting" && (
          <p className="muted">
            Call #{state.call.id} is {state.call.state}…
          </p>
        )}
        {state.phase === "error" && <p className="error">{state.message}</p>}
        {state.phase === "done" && (
          <div className="run-result">
            <h3 className={`state-${state.call.state}`}>
              Call #{state.call.id} {state.call.state}
            </h3>
            {state.call.result !== null && state.call.result !== undefined && (
              <>
                <h4>Result</h4>
                <pre>{json(state.call.result)}</pre>
              </>
            )}
            {state.call.error !== null && state.call.error !== undefined && state.call.error !== "" && (
              <>
                <h4>Error</h4>
                <pre className="call-error">{typeof state.call.error === "string" ? state.call.error : json(state.call.error)}</pre>
              </>
            )}
            <h4>Call tree</h4>
            {state.treeError && <p className="error">{state.treeError}</p>}
            {state.tree && (
              <ul className="call-tree">
                <CallTree node={state.tree} />
              </ul>
            )}
          </div>
        )}
      </div>
    </Dialog>
  );
}
