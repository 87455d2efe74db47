import { useDeferredValue, useState, type DragEvent } from "react";
import type { Task } from "../api/types";
import { canvasApi } from "../canvas/canvasApi";
import { TASK_MIME } from "../canvas/Canvas";
import { useDesigner } from "../store/designer";
import { addTask, reloadCatalog, useCatalog } from "./catalog";
import { MountStatusList } from "./MountStatusList";
import { NewProcessorForm } from "./NewProcessorForm";
import { paletteTree } from "./paletteTree";

function onDragStart(event: DragEvent, task: Task) {
  event.dataTransfer.setData(TASK_MIME, task.id);
  event.dataTransfer.effectAllowed = "copy";
}

function PaletteItem({ task, readOnly }: { task: Task; readOnly: boolean }) {
  return (
    <li className="palette-item" draggable={!readOnly} onDragStart={(event) => onDragStart(event, task)} title={task.docstring || undefined}>
      <span className="palette-name">{task.name}</span>
      <span className="palette-processor">{task.processor}</span>
      <button
        type="button"
        className="small"
        disabled={readOnly}
        aria-label={`Add ${task.name} from ${task.processor} to the canvas`}
        onClick={() => void addTask(task, canvasApi()?.center() ?? { x: 0, y: 0 })}
      >
        Add
      </button>
    </li>
  );
}

/** Functions to add to the canvas, by repository and module; drag one or press its Add button. */
export function Palette() {
  const catalog = useCatalog();
  const readOnly = useDesigner((s) => s.readOnly);
  const [query, setQuery] = useState("");
  const [creating, setCreating] = useState(false);
  const deferred = useDeferredValue(query);
  const tree = paletteTree(catalog.processors, catalog.tasks, deferred);
  return (
    <section className="panel palette" aria-label="Palette">
      <div className="panel-head">
        <h2>Functions</h2>
        <button type="button" className="small" onClick={() => setCreating((open) => !open)} aria-expanded={creating}>
          New processor
        </button>
      </div>
      {creating && <NewProcessorForm onDone={() => setCreating(false)} />}
      <label className="visually-hidden" htmlFor="palette-search">
        Search functions
      </label>
      <input id="palette-search" type="search" placeholder="Search functions…" value={query} onChange={(e) => setQuery(e.target.value)} />
      {catalog.status === "loading" && <p className="muted">Loading functions…</p>}
      {catalog.status === "error" && (
        <p className="error" role="alert">
          {catalog.error} <button type="button" className="link-button" onClick={() => void reloadCatalog()}>Retry</button>
        </p>
      )}
      {catalog.status === "ready" && tree.length === 0 && <p className="muted">{query ? "No function matches." : "No functions yet: create a processor."}</p>}
      <div className="palette-tree">
        {tree.map((repo) => (
          <details key={repo.repo} open>
            <summary title={repo.repo}>{repo.label}</summary>
            {repo.modules.map((mod) => (
              <details key={mod.module} open className="palette-module">
                <summary>{mod.module}</summary>
                <ul>
                  {mod.tasks.map((task) => (
                    <PaletteItem key={task.id} task={task} readOnly={readOnly} />
                  ))}
                </ul>
              </details>
            ))}
          </details>
        ))}
      </div>
      <MountStatusList />
    </section>
  );
}
