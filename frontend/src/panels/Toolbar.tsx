import { useDesigner } from "../store/designer";
import { selectUnsaved } from "../store/selectors";
import { ActionButton } from "./ActionButton";
import { SearchBox } from "./SearchBox";

type ToolbarProps = { flowName: string; onLeave: () => void };

/** The designer's commands, grouped; every button runs a named action. */
export function Toolbar({ flowName, onLeave }: ToolbarProps) {
  const dirty = useDesigner(selectUnsaved);
  const deployed = useDesigner((s) => s.flow?.deployed_version ?? null);
  const base = useDesigner((s) => s.baseVersion);
  const minimap = useDesigner((s) => s.showMinimap);
  const snap = useDesigner((s) => s.snapToGrid);
  return (
    <div className="toolbar" role="toolbar" aria-label="Designer">
      <div className="toolbar-group">
        <button type="button" onClick={onLeave} title="All flows">
          ← Flows
        </button>
        <h1 className="flow-name">
          {flowName}
          {dirty && (
            <span className="dirty" title="Unsaved changes">
              {" "}
              • unsaved
            </span>
          )}
        </h1>
        <span className="muted version-info">
          {base ? `from v${base}` : "not saved yet"}
          {deployed !== null ? ` · deployed v${deployed}` : " · not deployed"}
        </span>
      </div>
      <div className="toolbar-group">
        <ActionButton id="save">Save</ActionButton>
        <ActionButton id="deploy">Deploy</ActionButton>
      </div>
      <div className="toolbar-group">
        <ActionButton id="undo">↶</ActionButton>
        <ActionButton id="redo">↷</ActionButton>
        <ActionButton id="cut">Cut</ActionButton>
        <ActionButton id="copy">Copy</ActionButton>
        <ActionButton id="paste">Paste</ActionButton>
        <ActionButton id="delete">Delete</ActionButton>
      </div>
      <div className="toolbar-group">
        <ActionButton id="addNote">Note</ActionButton>
        <ActionButton id="addGroup">Group</ActionButton>
        <ActionButton id="ungroup">Ungroup</ActionButton>
        <ActionButton id="layout">Arrange</ActionButton>
        <ActionButton id="fit">Fit</ActionButton>
        <ActionButton id="toggleSnap" pressed={snap}>
          Snap
        </ActionButton>
        <ActionButton id="toggleMinimap" pressed={minimap}>
          Minimap
        </ActionButton>
      </div>
      <div className="toolbar-group">
        <ActionButton id="import">Import</ActionButton>
        <ActionButton id="export">Export</ActionButton>
        <ActionButton id="run">Run</ActionButton>
        <ActionButton id="shortcuts">?</ActionButton>
      </div>
      <SearchBox />
    </div>
  );
}
