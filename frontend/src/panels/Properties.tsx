import { useShallow } from "zustand/react/shallow";
import { useDesigner } from "../store/designer";
import { nodeById, selectSelectedEdgeIds, selectSelectedNodeIds } from "../store/selectors";
import { PlugProperties } from "./PlugProperties";
import { SocketProperties } from "./SocketProperties";

function NoteOrGroupProperties({ id }: { id: string }) {
  const node = useDesigner((s) => nodeById(s.nodes, id));
  const readOnly = useDesigner((s) => s.readOnly);
  const update = useDesigner((s) => s.updateNodeData);
  if (node?.type === "note") {
    return (
      <div className="field">
        <label htmlFor="note-text">Note</label>
        <textarea id="note-text" rows={6} value={node.data.text} disabled={readOnly} onChange={(e) => update(id, { text: e.target.value }, "text")} />
      </div>
    );
  }
  if (node?.type === "group") {
    return (
      <div className="field">
        <label htmlFor="group-label">Group name</label>
        <input id="group-label" value={node.data.label} disabled={readOnly} onChange={(e) => update(id, { label: e.target.value }, "label")} />
      </div>
    );
  }
  return null;
}

/** Edits whatever single thing is selected: a socket, a plug, a note or a group. */
export function Properties() {
  const nodeIds = useDesigner(useShallow(selectSelectedNodeIds));
  const edgeIds = useDesigner(useShallow(selectSelectedEdgeIds));
  const kind = useDesigner((s) => (nodeIds.length === 1 ? nodeById(s.nodes, nodeIds[0]!)?.type : undefined));
  let body;
  if (nodeIds.length === 0 && edgeIds.length === 0) body = <p className="muted">Select a socket or a plug to edit it. Add functions from the palette.</p>;
  else if (nodeIds.length + edgeIds.length > 1) body = <p className="muted">{nodeIds.length} nodes and {edgeIds.length} plugs selected.</p>;
  else if (edgeIds.length === 1) body = <PlugProperties id={edgeIds[0]!} />;
  else if (kind === "socket") body = <SocketProperties id={nodeIds[0]!} />;
  else body = <NoteOrGroupProperties id={nodeIds[0]!} />;
  return (
    <section className="panel properties" aria-label="Properties">
      {body}
    </section>
  );
}
