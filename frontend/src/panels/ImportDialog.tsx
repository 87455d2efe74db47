import { useId, useState, type ChangeEvent } from "react";
import { canvasApi } from "../canvas/canvasApi";
import { designerStore } from "../store/designer";
import { importDocument, type ImportResult } from "../store/io";
import { Dialog } from "./Dialog";

/** Replaces the draft with a JSON document from a file or pasted text; undo brings the old one back. */
export function ImportDialog({ onClose }: { onClose: () => void }) {
  const [text, setText] = useState("");
  const fileId = useId();
  const textId = useId();
  const result: ImportResult | null = text.trim() ? importDocument(text) : null;

  async function readFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (file) setText(await file.text());
  }

  function apply() {
    if (!result?.ok) return;
    designerStore.getState().replaceDocument(result.document);
    requestAnimationFrame(() => canvasApi()?.fitView());
    onClose();
  }

  return (
    <Dialog title="Import JSON" onClose={onClose} wide>
      <div className="field">
        <label htmlFor={fileId}>JSON file</label>
        <input id={fileId} type="file" accept="application/json,.json" onChange={(event) => void readFile(event)} />
      </div>
      <div className="field">
        <label htmlFor={textId}>Or paste the document</label>
        <textarea id={textId} rows={8} className="code" spellCheck={false} value={text} onChange={(event) => setText(event.target.value)} />
      </div>
      {result && !result.ok && (
        <div className="form-error" role="alert">
          <p>This cannot be imported:</p>
          <ul>
            {result.errors.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      )}
      {result?.ok && (
        <p className="ok">
          {result.document.nodes.length} nodes and {result.document.edges.length} plugs. Importing replaces the draft (Undo brings it back).
        </p>
      )}
      <div className="buttons">
        <button type="button" className="primary" disabled={!result?.ok} onClick={apply}>
          Import
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
