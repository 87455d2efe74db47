import { useEffect, useState } from "react";
import { Canvas } from "../canvas/Canvas";
import { useFlowLive } from "../live/useFlowLive";
import { addTask, taskById } from "../panels/catalog";
import { DeployDialog } from "../panels/DeployDialog";
import { History } from "../panels/History";
import { ImportDialog } from "../panels/ImportDialog";
import { Palette } from "../panels/Palette";
import { Properties } from "../panels/Properties";
import { RunDialog } from "../panels/RunDialog";
import { SaveDialog } from "../panels/SaveDialog";
import { ShortcutsDialog } from "../panels/ShortcutsDialog";
import { ModeBanner, NoticeBar } from "../panels/StatusBars";
import { Toolbar } from "../panels/Toolbar";
import { handleKey } from "../store/actions";
import { useDesigner } from "../store/designer";
import type { XY } from "../store/document";
import { useFlowSession } from "./useFlowSession";

function Dialogs() {
  const dialog = useDesigner((s) => s.dialog);
  const close = useDesigner((s) => s.openDialog);
  const onClose = () => close(null);
  switch (dialog) {
    case "save":
      return <SaveDialog onClose={onClose} />;
    case "deploy":
      return <DeployDialog onClose={onClose} />;
    case "import":
      return <ImportDialog onClose={onClose} />;
    case "run":
      return <RunDialog onClose={onClose} />;
    case "shortcuts":
      return <ShortcutsDialog onClose={onClose} />;
    default:
      return null;
  }
}

function SidePanel() {
  const [tab, setTab] = useState<"properties" | "history">("properties");
  const comparing = useDesigner((s) => s.mode.kind === "compare");
  const shown = comparing ? "history" : tab;
  return (
    <aside className="designer-side">
      <div role="tablist" aria-label="Side panel" className="tabs">
        {(["properties", "history"] as const).map((name) => (
          <button key={name} type="button" role="tab" id={`tab-${name}`} aria-selected={shown === name} aria-controls={`tabpanel-${name}`} onClick={() => setTab(name)}>
            {name === "properties" ? "Properties" : "History"}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`tabpanel-${shown}`} aria-labelledby={`tab-${shown}`}>
        {shown === "properties" ? <Properties /> : <History />}
      </div>
    </aside>
  );
}

function dropTask(taskId: string, position: XY) {
  const task = taskById(taskId);
  if (task) void addTask(task, position);
}

/** One flow open for editing: toolbar, palette, canvas and side panel. */
export function FlowEditor({ flowName, onLeave }: { flowName: string; onLeave: () => void }) {
  const session = useFlowSession(flowName);
  useFlowLive(session.status === "ready" ? flowName : null);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => void handleKey(event);
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  if (session.status === "error") {
    return (
      <div className="designer-message">
        <p className="error" role="alert">
          {session.message}
        </p>
        <button type="button" onClick={onLeave}>
          ← All flows
        </button>
      </div>
    );
  }
  return (
    <div className="designer">
      <Toolbar flowName={flowName} onLeave={onLeave} />
      <ModeBanner />
      <div className="designer-body">
        <aside className="designer-palette">
          <Palette />
        </aside>
        <div className="designer-canvas">
          {session.status === "loading" ? (
            <p className="muted designer-loading">Loading {flowName}…</p>
          ) : (
            <Canvas onDropTask={dropTask} defaultViewport={session.viewport} fitOnLoad={!session.viewport} />
          )}
        </div>
        <SidePanel />
      </div>
      <NoticeBar />
      <Dialogs />
    </div>
  );
}
